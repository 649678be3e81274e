using TimeBank.Ledger;

namespace TimeBank.Grains.Volunteers;

public sealed record RegisterVolunteer(RequestKey Request, string DisplayName, string CommunityId);

/// <param name="Request">The caller and its id for this deposit; a retry sends the same id and content.</param>
/// <param name="ActivityId">The activity the service was done for.</param>
/// <param name="Minutes">Minutes of service, 1 to the community's most per deposit (at most 1,440).</param>
/// <param name="Category">One of the community's service categories, or empty.</param>
public sealed record DepositHours(RequestKey Request, string ActivityId, long Minutes, string Category = "");

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
