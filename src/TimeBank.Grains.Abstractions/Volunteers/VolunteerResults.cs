using TimeBank.Ledger;

namespace TimeBank.Grains.Volunteers;

public sealed record VolunteerProfile(string VolunteerId, string DisplayName, string CommunityId, DateTimeOffset RegisteredAt);

/// <param name="Created">False when the volunteer was already registered with the same name and community.</param>
public sealed record Registration(VolunteerProfile Volunteer, bool Created);

public sealed record DepositReceipt(string RequestId, long MinutesCredited, long PointsAwarded, DateTimeOffset RecordedAt);

public sealed record VolunteerBalance(string VolunteerId, long HoursMinutes, long Points);

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
