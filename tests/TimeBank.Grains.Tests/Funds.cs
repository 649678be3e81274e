using TimeBank.Grains.Funds;
using TimeBank.Ledger;
using TimeBank.Testing;

namespace TimeBank.Grains.Tests;

/// <summary>
/// A fund to give to and spend from, for the fund, proposal and pledge tests: "roof" in riverside, a community
/// fund in CNY for repairs and food, with ana, bo and cy on its committee and a quorum of 2, whose proposals
/// stay open 7 days; on a manual clock (2026-11-22, UTC).
/// </summary>
internal static class Funds
{
    public const string FundId = "roof";

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public static CreateFund Creation(string fundCommunity = "riverside") => new(
        TestRequests.NewKey(), fundCommunity, FundKind.Community, "Roof fund", "", ["repairs", "food"], ["ana", "bo", "cy"], 2, Lifetime);

    public static async Task<(GrainTestHost Test, ManualClock Clock)> StartAsync(string provider, CreateFund? creation = null)
    {
        var clock = new ManualClock();
        var test = await GrainTestHost.StartAsync(provider, clock: clock);
        var created = await test.Fund().CreateFundAsync(creation ?? Creation());
        Assert.True(created.Succeeded, created.ToString());
        return (test, clock);
    }

    public static IFundGrain Fund(this GrainTestHost test, string fundId = FundId) => test.Host.GetGrain<IFundGrain>(fundId);

    public static Donate Gift(long amount, string earmark = "", string donor = "Mrs Li", string pledgeId = "", string currency = "")
        => new(TestRequests.NewKey(), donor, amount, currency, earmark, $"bank-{Guid.NewGuid():N}", pledgeId);

    public static async Task<DonationReceipt> DonateAsync(this GrainTestHost test, long amount, string earmark = "", string donor = "Mrs Li")
    {
        var donated = await test.Fund().DonateAsync(Gift(amount, earmark, donor));
        Assert.True(donated.Succeeded, donated.ToString());
        return donated.Value!;
    }

    public static ProposeAllocation Proposal(string member, long amount, string purpose = "repairs", string recipient = "Wang's roofing")
        => new(TestRequests.NewKey(), new CallerMember(member), recipient, amount, purpose, "New tiles over the hall");

    public static async Task<ProposalView> ProposeAsync(this GrainTestHost test, string member, long amount, string purpose = "repairs")
    {
        var proposed = await test.Fund().ProposeAllocationAsync(Proposal(member, amount, purpose));
        Assert.True(proposed.Succeeded, proposed.ToString());
        return proposed.Value!;
    }

    public static Vote Ballot(string member, string proposalId, bool approve = true) => new(TestRequests.NewKey(), new CallerMember(member), proposalId, approve);

    public static async Task<ProposalView> VoteAsync(this GrainTestHost test, string member, string proposalId, bool approve = true)
    {
        var voted = await test.Fund().VoteAsync(Ballot(member, proposalId, approve));
        Assert.True(voted.Succeeded, voted.ToString());
        return voted.Value!;
    }

    /// <summary>A proposal by ana that bo and cy approve: approved by the second approval, its money reserved.</summary>
    public static async Task<ProposalView> ApprovedAsync(this GrainTestHost test, long amount, string purpose = "repairs")
    {
        var proposal = await test.ProposeAsync("ana", amount, purpose);
        await test.VoteAsync("bo", proposal.ProposalId);
        var approved = await test.VoteAsync("cy", proposal.ProposalId);
        Assert.Equal(ProposalStatus.Approved, approved.Status);
        return approved;
    }

    public static PayOut Payment(string proposalId) => new(TestRequests.NewKey(), proposalId, $"wire-{Guid.NewGuid():N}");

    public static async Task<FundBalances> BalancesAsync(this GrainTestHost test) => (await test.Fund().GetFundAsync()).Value!.Balances;

    public static async Task<ProposalView> ProposalAsync(this GrainTestHost test, string proposalId)
        => (await test.Fund().ListProposalsAsync(new ListProposals())).Value!.Proposals.Single(p => p.ProposalId == proposalId);

    /// <summary>
    /// The fund's journal as stored, replayed into a book of every account: checks each row replays, the
    /// sequence has no gap, and the balances GetFund shows are the replayed ones (available, reserved,
    /// donated and paid out, in all and by earmark). Returns the replay for further checks.
    /// </summary>
    public static async Task<JournalReplay> AssertBalancesEqualJournalAsync(this GrainTestHost test, string fundId = FundId)
    {
        var grainId = $"fund/{fundId}";
        var rows = await test.Storage.ReadJournalAsync(grainId, 0, 100_000, TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(1, rows.Count).Select(i => (long)i), rows.Select(r => r.Sequence));
        var replay = new JournalReplay();
        foreach (var row in rows)
        {
            Assert.Equal((int)LedgerKind.Money, row.Ledger);
            replay.Apply(JournalTransfers.ToTransfer(grainId, row));
        }

        var fund = (await test.Fund(fundId).GetFundAsync()).Value!;
        var balances = fund.Balances;
        var general = replay.BalanceOf(AccountNames.FundGeneral(fundId));
        Assert.Equal(general.AvailableCredit, balances.GeneralAvailable);
        Assert.Equal(general.DebitsPending, balances.GeneralReserved);
        foreach (var purpose in fund.Fund.Purposes)
        {
            var account = replay.BalanceOf(AccountNames.FundEarmark(fundId, purpose));
            var shown = balances.Earmarks.Single(e => e.Purpose == purpose);
            Assert.Equal(account.AvailableCredit, shown.Available);
            Assert.Equal(account.DebitsPending, shown.Reserved);
            Assert.Equal(account.CreditsPosted, shown.Donated); // an earmark is credited only by donations
        }

        Assert.Equal(general.AvailableCredit + balances.Earmarks.Sum(e => e.Available), balances.Available);
        Assert.Equal(general.DebitsPending + balances.Earmarks.Sum(e => e.Reserved), balances.Reserved);
        Assert.Equal(-replay.CreditBalanceOf(AccountNames.FundDonors(fundId)), balances.Donated);
        Assert.Equal(replay.CreditBalanceOf(AccountNames.FundPayees(fundId)), balances.PaidOut);
        var totals = replay.Totals(LedgerKind.Money);
        Assert.Equal(totals.DebitsPosted, totals.CreditsPosted);
        Assert.Equal(totals.DebitsPending, totals.CreditsPending);
        return replay;
    }
}
