using TimeBank.Ledger;

namespace TimeBank.Grains.Volunteers;

public sealed record RegisterVolunteer(RequestKey Request, string DisplayName, string CommunityId);

/// <param name="Request">The caller and its id for this deposit; a retry sends the same id and content.</param>
/// <param name="ActivityId">The activity the service was done for.</param>
/// <param name="Minutes">Minutes of service, 1 to the community's most per deposit (at most 1,440).</param>
/// <param name="Category">One of the community's service categories, or empty.</param>
public sealed record DepositHours(RequestKey Request, string ActivityId, long Minutes, string Category = "");

/// <param name="ToVolunteerId">Who receives the hours, in this or another community.</param>
/// <param name="Minutes">1 to 10^15; within what the payer has plus the community's hours credit limit.</param>
/// <param name="Code">Gift (given freely) or exchange (paying for service received).</param>
/// <param name="Memo">Up to 200 characters, shown on both statements.</param>
public sealed record TransferHours(RequestKey Request, string ToVolunteerId, long Minutes, TransferCode Code, string Memo = "");

/// <summary>
/// The recipient's step of a transfer, sent by the payer's grain (never by a client): credit the hours the
/// payer has reserved. Keyed by the transfer id under the system's request key, so a resumed transfer never
/// credits twice.
/// </summary>
/// <param name="ActorKeyId">The key that asked for the transfer; the recipient's journal row names it.</param>
public sealed record ReceiveTransfer(
    RequestKey Request, string ActorKeyId, string TransferId, string FromVolunteerId, string FromCommunityId, long Minutes, TransferCode Code, string Memo);

/// <param name="Points">1 to 10^15, within the points available.</param>
/// <param name="Reference">What the hold is for (a basket, a receipt number), or empty.</param>
public sealed record HoldPoints(RequestKey Request, long Points, string Reference = "", string Memo = "");

/// <param name="HoldId">The id HoldPoints answered.</param>
/// <param name="Points">How much of the hold to take: 1 to what it holds, or 0 for all of it; the rest is released.</param>
public sealed record PostHold(RequestKey Request, string HoldId, long Points = 0);

public sealed record VoidHold(RequestKey Request, string HoldId);

/// <param name="TransferId">A deposit's row (its hours or its points) or a transfer this volunteer paid: <c>volunteer/{this volunteer}#{sequence}</c>.</param>
/// <param name="Memo">Why, up to 200 characters; shown on the statements.</param>
public sealed record ReverseTransfer(RequestKey Request, string TransferId, string Memo = "");

/// <summary>
/// The recipient's step of reversing a transfer it received, sent by the payer's grain (never by a client):
/// give the minutes back toward transit, within the recipient's limit. Keyed by the original transfer id.
/// </summary>
public sealed record ReturnTransfer(RequestKey Request, string ActorKeyId, string TransferId, string PayerVolunteerId, long Minutes, string Memo);

/// <summary>A page of the volunteer's statement, newest first: a read, so no request key.</summary>
/// <param name="PageSize">Lines per page, 1-500; 0 means 50.</param>
/// <param name="PageToken">Empty for the newest lines; else <see cref="Statement.NextPageToken"/> of the previous page, with the same filters.</param>
/// <param name="Ledger">Only lines of this ledger; null for all.</param>
/// <param name="Code">Only lines of this code; null for all.</param>
/// <param name="Category">Only lines counted under this category; empty for all.</param>
/// <param name="FromTime">Only lines recorded at or after this time; null for no lower bound.</param>
/// <param name="ToTime">Only lines recorded before this time; null for no upper bound.</param>
public sealed record GetStatement(
    int PageSize = 0,
    string PageToken = "",
    LedgerKind? Ledger = null,
    TransferCode? Code = null,
    string Category = "",
    DateTimeOffset? FromTime = null,
    DateTimeOffset? ToTime = null);

/// <summary>
/// Service credited for an activity, sent by the activity's grain (never by a client): a deposit under the
/// activity's community's policy (its points and issuing accounts), keyed by activity and volunteer, so an
/// attendee is credited once however often the confirmation is resumed.
/// </summary>
public sealed record CreditService(RequestKey Request, string ActorKeyId, string ActivityId, string ActivityCommunityId, long Minutes, string Category);

/// <summary>
/// A store's hold on the volunteer's points for a sale, sent by the store's grain (never by a client): pending
/// toward the store's redeemed account until the store posts it. Keyed by the receipt, so a resumed sale holds once.
/// </summary>
/// <param name="ServedCommunityIds">The store's community and the others it serves; a volunteer of none of them is refused.</param>
public sealed record StoreHold(RequestKey Request, string ActorKeyId, string StoreId, string ReceiptId, IReadOnlyList<string> ServedCommunityIds, long Points);

/// <summary>The store's post of its hold (all of it), sent by the store's grain once the sale is decided.</summary>
public sealed record StoreHoldPost(RequestKey Request, string ActorKeyId, string HoldId);

/// <summary>
/// An offline sale's points, sent by the store's grain: taken at once, journaled at the time of the sale,
/// or refused (never below zero), in which case the store carries the shortfall.
/// </summary>
public sealed record OfflineDebit(
    RequestKey Request, string ActorKeyId, string StoreId, string ReceiptId, IReadOnlyList<string> ServedCommunityIds, long Points, DateTimeOffset SoldAt);

/// <summary>Points a store gives back for a refund, sent by the store's grain; once per refund id.</summary>
public sealed record StoreRefundCredit(RequestKey Request, string ActorKeyId, string StoreId, string RefundId, long Points);
