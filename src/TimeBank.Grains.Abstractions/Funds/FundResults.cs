namespace TimeBank.Grains.Funds;

public enum ProposalStatus
{
    Open = 1,
    Approved = 2,
    Rejected = 3,
    Lapsed = 4,
    PaidOut = 5,
    Cancelled = 6,
}

public enum DueStatus
{
    Fulfilled = 1,
    Due = 2,
    Overdue = 3,
}

public sealed record FundProfile(
    string FundId,
    string CommunityId,
    FundKind Kind,
    string Name,
    string Currency,
    IReadOnlyList<string> Purposes,
    IReadOnlyList<string> CommitteeMembers,
    int Quorum,
    TimeSpan ProposalLifetime,
    string Donor,
    string StatedPurpose,
    long Target,
    DateTimeOffset? EndsAt,
    DateTimeOffset CreatedAt);

public sealed record FundCreation(FundProfile Fund, bool Created);

/// <param name="Decided">Open proposals the new committee decided at once.</param>
public sealed record CommitteeUpdate(FundProfile Fund, IReadOnlyList<ProposalView> Decided);

public sealed record EarmarkBalance(string Purpose, long Available, long Reserved, long Donated);

/// <param name="Available">What can still be allocated.</param>
/// <param name="Reserved">Held for approved allocations not yet paid out.</param>
/// <param name="Donated">Everything ever donated.</param>
public sealed record FundBalances(
    long Available, long Reserved, long Donated, long PaidOut, IReadOnlyList<EarmarkBalance> Earmarks, long GeneralAvailable, long GeneralReserved);

/// <param name="TransferId">The donation's row in the fund's journal.</param>
/// <param name="FulfilledDueDate">The pledge's due date it fulfilled; null when it named none.</param>
public sealed record DonationReceipt(string TransferId, FundBalances Balances, DateTimeOffset? FulfilledDueDate);

/// <param name="TransferId">The donation that fulfilled it; empty when unpaid.</param>
public sealed record PledgeDue(DateTimeOffset DueAt, DueStatus Status, string TransferId);

/// <param name="Dues">Due dates up to now and the next one, oldest first.</param>
public sealed record PledgeView(
    string PledgeId, string Donor, long Amount, PledgePeriod Period, DateTimeOffset StartsAt, DateTimeOffset? EndsAt, string Earmark,
    IReadOnlyList<PledgeDue> Dues, int Fulfilled, int Overdue);

public sealed record PledgeList(IReadOnlyList<PledgeView> Pledges);

/// <param name="Counted">False when the member has left the committee (the vote no longer counts on an open proposal).</param>
public sealed record ProposalVote(string Member, bool Approve, DateTimeOffset CastAt, bool Counted);

/// <param name="OutcomeReason">Why it was rejected (QUORUM_UNREACHABLE or INSUFFICIENT_FUNDS); empty otherwise.</param>
public sealed record ProposalView(
    string ProposalId,
    string FundId,
    string Proposer,
    string Recipient,
    long Amount,
    string Purpose,
    string Text,
    ProposalStatus Status,
    IReadOnlyList<ProposalVote> Votes,
    DateTimeOffset ProposedAt,
    DateTimeOffset LapsesAt,
    DateTimeOffset? DecidedAt,
    string OutcomeReason,
    long ReservedFromEarmark,
    long ReservedFromGeneral,
    string PaymentReference,
    DateTimeOffset? PaidAt);

public sealed record ProposalList(IReadOnlyList<ProposalView> Proposals);

/// <param name="ProgressPercent">A crowdfund's donations against its target; 0 for other kinds.</param>
public sealed record FundView(FundProfile Fund, FundBalances Balances, int ProgressPercent);
