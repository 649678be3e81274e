using TimeBank.Ledger;

namespace TimeBank.Grains.Volunteers;

public sealed record VolunteerProfile(string VolunteerId, string DisplayName, string CommunityId, DateTimeOffset RegisteredAt);

/// <param name="Created">False when the volunteer was already registered with the same name and community.</param>
public sealed record Registration(VolunteerProfile Volunteer, bool Created, VolunteerBalances Balances);

/// <param name="Balances">The volunteer's balances right after the deposit (null in answers stored before they were kept).</param>
/// <param name="HoursTransferId">The row that credited the minutes (what ReverseTransfer names); empty in answers stored before it was kept.</param>
/// <param name="PointsTransferId">The row that credited the points; empty when none were earned.</param>
public sealed record DepositReceipt(
    string RequestId, long MinutesCredited, long PointsAwarded, DateTimeOffset RecordedAt, VolunteerBalances? Balances = null,
    string HoursTransferId = "", string PointsTransferId = "");

public sealed record VolunteerBalance(string VolunteerId, long HoursMinutes, long Points, long HoursAvailableMinutes, long PointsAvailable);

/// <summary>A volunteer's balances after a change: posted, and available (posted less what is held).</summary>
public sealed record VolunteerBalances(long HoursMinutes, long HoursAvailableMinutes, long Points, long PointsAvailable);

/// <param name="TransferId">The transfer's id, <c>volunteer/{payer}#{sequence}</c>: what ReverseTransfer and statements name.</param>
/// <param name="Balances">The payer's balances once the transfer completed.</param>
public sealed record TransferReceipt(string RequestId, string TransferId, string ToVolunteerId, long Minutes, DateTimeOffset RecordedAt, VolunteerBalances Balances);

/// <summary>The recipient's answer to <see cref="ReceiveTransfer"/>.</summary>
public sealed record TransferCredited(string TransferId, long Minutes, VolunteerBalances Balances);

/// <param name="HoldId">The hold's id, <c>volunteer/{v}#{sequence}</c>, for PostHold and VoidHold.</param>
/// <param name="ExpiresAt">When it lapses unless posted (the community's hold expiry after it was made).</param>
public sealed record HoldReceipt(string RequestId, string HoldId, long Points, DateTimeOffset ExpiresAt, VolunteerBalances Balances);

/// <param name="PointsPosted">What the hold took (0 when voided); the rest went back to the volunteer.</param>
public sealed record HoldSettled(string RequestId, string HoldId, long PointsPosted, long PointsReleased, VolunteerBalances Balances);

/// <param name="TransferId">The transfer reversed.</param>
/// <param name="ReversalId">The compensating row on this volunteer's journal.</param>
/// <param name="Balances">This volunteer's balances after the reversal.</param>
public sealed record ReversalReceipt(string RequestId, string TransferId, string ReversalId, LedgerKind Ledger, long Amount, DateTimeOffset RecordedAt, VolunteerBalances Balances);

/// <summary>The recipient's answer to <see cref="ReturnTransfer"/>.</summary>
public sealed record TransferReturned(string TransferId, long Minutes, VolunteerBalances Balances);

/// <summary>A page of a volunteer's statement.</summary>
/// <param name="Lines">Newest first.</param>
/// <param name="NextPageToken">Where the next page starts; empty when nothing older is left to read.</param>
public sealed record Statement(IReadOnlyList<StatementEntry> Lines, string NextPageToken);

/// <summary>One transfer on the volunteer's accounts, as its journal row recorded it.</summary>
/// <param name="TransferId"><c>{grain id}#{sequence}</c>, e.g. <c>volunteer/ana#3</c>.</param>
/// <param name="Amount">From the volunteer's side: positive when its account was credited, negative when debited.</param>
/// <param name="BalanceAfter">The volunteer's posted balance on the row's ledger after it: the running balance.</param>
public sealed record StatementEntry(
    string TransferId,
    long Sequence,
    DateTimeOffset RecordedAt,
    LedgerKind Ledger,
    TransferKind Kind,
    TransferCode Code,
    string Category,
    string Reference,
    string Memo,
    string DebitAccount,
    string CreditAccount,
    long Amount,
    long BalanceAfter,
    string ActorKeyId,
    string PendingId);

/// <summary>A store's step on the volunteer's points: what moved and the points left.</summary>
/// <param name="TransferId">The row (for a hold, the hold's id).</param>
public sealed record StorePointsMoved(string TransferId, long Points, VolunteerBalances Balances);
