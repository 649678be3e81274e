namespace TimeBank.Grains.Funds;

public enum FundKind
{
    Community = 1,
    Named = 2,
    Crowdfund = 3,
}

public enum PledgePeriod
{
    Monthly = 1,
    Yearly = 2,
}

/// <summary>The committee member a key speaks for (a committee member's key names one); empty for other keys.</summary>
public sealed record CallerMember(string Id);

/// <param name="Currency">ISO 4217 (three capital letters); empty for CNY.</param>
/// <param name="Purposes">1 to 20 categories the money may be spent on.</param>
/// <param name="CommitteeMembers">1 to 50 member ids, each once.</param>
/// <param name="Quorum">Approvals that approve a proposal: 1 to the number of members.</param>
/// <param name="ProposalLifetime">How long a proposal stays open: 1 hour to 365 days; null for 14 days.</param>
/// <param name="Donor">A named fund's donor; empty for other kinds.</param>
/// <param name="StatedPurpose">A named fund's stated purpose; empty for other kinds.</param>
/// <param name="Target">A crowdfund's target, in minor units; 0 for other kinds.</param>
/// <param name="EndsAt">A crowdfund's end; null for other kinds.</param>
public sealed record CreateFund(
    RequestKey Request,
    string CommunityId,
    FundKind Kind,
    string Name,
    string Currency,
    IReadOnlyList<string> Purposes,
    IReadOnlyList<string> CommitteeMembers,
    int Quorum,
    TimeSpan? ProposalLifetime = null,
    string Donor = "",
    string StatedPurpose = "",
    long Target = 0,
    DateTimeOffset? EndsAt = null);

public sealed record UpdateCommittee(RequestKey Request, IReadOnlyList<string> CommitteeMembers, int Quorum);

/// <param name="Donor">Empty for an anonymous donation.</param>
/// <param name="Amount">1 to 10^15 minor units.</param>
/// <param name="Currency">The fund's currency; empty means the fund's.</param>
/// <param name="Earmark">One of the fund's purposes; empty for money not earmarked.</param>
/// <param name="PaymentReference">The payment's reference, 1-64 printable characters.</param>
/// <param name="PledgeId">The pledge this fulfils; empty for none.</param>
public sealed record Donate(RequestKey Request, string Donor, long Amount, string Currency, string Earmark, string PaymentReference, string PledgeId = "");

/// <param name="StartsAt">The first due date.</param>
/// <param name="EndsAt">No due date at or after this; null for no end.</param>
public sealed record CreatePledge(
    RequestKey Request, string PledgeId, string Donor, long Amount, PledgePeriod Period, DateTimeOffset StartsAt, DateTimeOffset? EndsAt = null, string Earmark = "");

/// <param name="Member">The proposer: the member the caller's key names.</param>
public sealed record ProposeAllocation(RequestKey Request, CallerMember Member, string Recipient, long Amount, string Purpose, string Text);

/// <param name="Member">Who votes: the member the caller's key names.</param>
public sealed record Vote(RequestKey Request, CallerMember Member, string ProposalId, bool Approve);

public sealed record PayOut(RequestKey Request, string ProposalId, string PaymentReference);

public sealed record CancelAllocation(RequestKey Request, string ProposalId, string Reason);

/// <param name="Status">Only proposals of this status; null for all.</param>
public sealed record ListProposals(ProposalStatus? Status = null);

/// <summary>A page of the fund's statement, newest first, as <see cref="Volunteers.GetStatement"/>.</summary>
public sealed record GetFundStatement(int PageSize = 0, string PageToken = "", DateTimeOffset? FromTime = null, DateTimeOffset? ToTime = null);
