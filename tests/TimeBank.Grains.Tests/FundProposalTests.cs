using TimeBank.Grains.Funds;
using TimeBank.Ledger;
using ErrorReasons = TimeBank.Contracts.V1.ErrorReasons;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Tests;

/// <summary>Proposals, votes, the quorum's decisions, reservations, payouts, cancellations, lapses and committee changes.</summary>
public sealed class FundProposalTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task An_allocation_the_quorum_approves_reserves_from_its_earmark_first_then_general_money_and_is_paid_out_once(string provider)
    {
        var (test, clock) = await Funds.StartAsync(provider);
        await using var _test = test;
        await test.DonateAsync(10_000);
        await test.DonateAsync(3_000, "repairs");
        await test.DonateAsync(4_000, "food");

        var proposed = await test.ProposeAsync("ana", 5_000);
        Assert.Equal(("p1", "fund/roof", "ana", ProposalStatus.Open), (proposed.ProposalId, "fund/" + proposed.FundId, proposed.Proposer, proposed.Status));
        Assert.Equal((Start, Start + Funds.Lifetime), (proposed.ProposedAt, proposed.LapsesAt));
        clock.Advance(TimeSpan.FromHours(1));
        var once = await test.VoteAsync("bo", "p1");
        Assert.Equal(ProposalStatus.Open, once.Status);
        Assert.Equal(0, (await test.BalancesAsync()).Reserved);

        await test.RestartAsync();
        clock.Advance(TimeSpan.FromHours(1));
        var approved = await test.VoteAsync("cy", "p1");
        Assert.Equal(ProposalStatus.Approved, approved.Status);
        Assert.Equal((3_000L, 2_000L, Start.AddHours(2)), (approved.ReservedFromEarmark, approved.ReservedFromGeneral, approved.DecidedAt));
        Assert.Equal([("bo", true, Start.AddHours(1), true), ("cy", true, Start.AddHours(2), true)], approved.Votes.Select(v => (v.Member, v.Approve, v.CastAt, v.Counted)));
        var balances = await test.BalancesAsync();
        Assert.Equal((12_000L, 5_000L, 17_000L, 0L, 8_000L, 2_000L), (balances.Available, balances.Reserved, balances.Donated, balances.PaidOut, balances.GeneralAvailable, balances.GeneralReserved));
        Assert.Equal([new EarmarkBalance("repairs", 0, 3_000, 3_000), new EarmarkBalance("food", 4_000, 0, 4_000)], balances.Earmarks);
        Assert.Equal(ErrorReasons.InsufficientFunds, (await test.Fund().ProposeAllocationAsync(Funds.Proposal("bo", 8_001))).Reason()); // general 8,000 only

        var payment = new PayOut(TestRequests.Key("pay-1"), "p1", "wire-2026-0001");
        var paid = (await test.Fund().PayOutAsync(payment)).Value!;
        Assert.Equal((ProposalStatus.PaidOut, "wire-2026-0001", (DateTimeOffset?)Start.AddHours(2)), (paid.Status, paid.PaymentReference, paid.PaidAt));
        Assert.Equal(paid, (await test.Fund().PayOutAsync(payment)).Value! with { Votes = paid.Votes }); // a retry: the first answer
        Assert.Equal(ErrorReasons.AllocationPaidOut, (await test.Fund().PayOutAsync(Funds.Payment("p1"))).Reason());
        Assert.Equal(ErrorReasons.AllocationPaidOut, (await test.Fund().CancelAllocationAsync(new CancelAllocation(TestRequests.NewKey(), "p1", "Too late"))).Reason());

        await test.RestartAsync();
        balances = await test.BalancesAsync();
        Assert.Equal((12_000L, 0L, 17_000L, 5_000L, 8_000L, 0L), (balances.Available, balances.Reserved, balances.Donated, balances.PaidOut, balances.GeneralAvailable, balances.GeneralReserved));
        Assert.Equal([new EarmarkBalance("repairs", 0, 0, 3_000), new EarmarkBalance("food", 4_000, 0, 4_000)], balances.Earmarks);
        Assert.Equal(ProposalStatus.PaidOut, (await test.ProposalAsync("p1")).Status);

        var lines = (await test.Fund().GetFundStatementAsync(new GetFundStatement())).Value!.Lines;
        Assert.Equal(
            [
                ("fund/roof#7", TransferKind.PostPending, TransferCode.Payout, "p1", "fund/roof/general", "fund/roof/payees", -2_000L, 8_000L, "fund/roof#5"),
                ("fund/roof#6", TransferKind.PostPending, TransferCode.Payout, "p1", "fund/roof/earmark/repairs", "fund/roof/payees", -3_000L, 0L, "fund/roof#4"),
                ("fund/roof#5", TransferKind.Pending, TransferCode.Allocation, "p1", "fund/roof/general", "fund/roof/payees", -2_000L, 10_000L, ""),
                ("fund/roof#4", TransferKind.Pending, TransferCode.Allocation, "p1", "fund/roof/earmark/repairs", "fund/roof/payees", -3_000L, 3_000L, ""),
                ("fund/roof#3", TransferKind.Posted, TransferCode.Donation, "food", "fund/roof/donors", "fund/roof/earmark/food", 4_000L, 4_000L, ""),
            ],
            lines.Take(5).Select(l => (l.TransferId, l.Kind, l.Code, l.Kind == TransferKind.Posted ? l.Category : l.Reference, l.DebitAccount, l.CreditAccount, l.Amount, l.BalanceAfter, l.PendingId)));
        Assert.Equal(["wire-2026-0001", "wire-2026-0001"], lines.Take(2).Select(l => l.Memo));
        Assert.Equal(["Wang's roofing", "Wang's roofing"], lines.Skip(2).Take(2).Select(l => l.Memo));
        Assert.All(lines.Take(4), l => Assert.Equal("repairs", l.Category));
        await test.AssertBalancesEqualJournalAsync();
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_cancelled_allocation_releases_its_reservation_and_can_be_neither_paid_out_nor_cancelled_again(string provider)
    {
        var (test, _) = await Funds.StartAsync(provider);
        await using var _test = test;
        await test.DonateAsync(1_000, "food");
        await test.DonateAsync(1_000);
        var approved = await test.ApprovedAsync(1_500, "food");
        Assert.Equal((1_000L, 500L), (approved.ReservedFromEarmark, approved.ReservedFromGeneral));
        Assert.Equal((500L, 1_500L), ((await test.BalancesAsync()).Available, (await test.BalancesAsync()).Reserved));

        var cancelled = (await test.Fund().CancelAllocationAsync(new CancelAllocation(TestRequests.NewKey(), "p1", " The roofer did it for free "))).Value!;
        Assert.Equal(ProposalStatus.Cancelled, cancelled.Status);
        await test.RestartAsync();
        var balances = await test.BalancesAsync();
        Assert.Equal((2_000L, 0L, 2_000L, 0L, 1_000L), (balances.Available, balances.Reserved, balances.Donated, balances.PaidOut, balances.GeneralAvailable));
        Assert.Equal(ErrorReasons.ProposalNotApproved, (await test.Fund().PayOutAsync(Funds.Payment("p1"))).Reason());
        Assert.Equal(ErrorReasons.ProposalNotApproved, (await test.Fund().CancelAllocationAsync(new CancelAllocation(TestRequests.NewKey(), "p1", "Again"))).Reason());

        var voids = (await test.Fund().GetFundStatementAsync(new GetFundStatement())).Value!.Lines.Take(2).ToArray();
        Assert.Equal(
            [
                (TransferKind.VoidPending, TransferCode.Allocation, "fund/roof/general", "fund/roof/payees", "fund/roof#4", "The roofer did it for free"),
                (TransferKind.VoidPending, TransferCode.Allocation, "fund/roof/earmark/food", "fund/roof/payees", "fund/roof#3", "The roofer did it for free"),
            ],
            voids.Select(l => (l.Kind, l.Code, l.DebitAccount, l.CreditAccount, l.PendingId, l.Memo)));

        // The released money is there for the next proposal.
        var again = await test.ApprovedAsync(2_000, "food");
        Assert.Equal((1_000L, 1_000L), (again.ReservedFromEarmark, again.ReservedFromGeneral));
        await test.AssertBalancesEqualJournalAsync();
    }

    public static readonly TheoryData<string, string, string> WrongStates = GrainTestHost.OnEveryProvider(
        ("vote-twice", ErrorReasons.VoteAlreadyCast.Code),
        ("reject-then-approve", ErrorReasons.VoteAlreadyCast.Code),
        ("proposer-approves", ErrorReasons.ProposerCannotApprove.Code),
        ("vote-on-approved", ErrorReasons.ProposalDecided.Code),
        ("vote-on-rejected", ErrorReasons.ProposalDecided.Code),
        ("vote-on-lapsed", ErrorReasons.ProposalDecided.Code),
        ("vote-on-paid-out", ErrorReasons.ProposalDecided.Code),
        ("non-member-votes", ErrorReasons.NotACommitteeMember.Code),
        ("removed-member-votes", ErrorReasons.NotACommitteeMember.Code),
        ("pay-out-open", ErrorReasons.ProposalNotApproved.Code),
        ("pay-out-rejected", ErrorReasons.ProposalNotApproved.Code),
        ("pay-out-lapsed", ErrorReasons.ProposalNotApproved.Code),
        ("pay-out-cancelled", ErrorReasons.ProposalNotApproved.Code),
        ("pay-out-twice", ErrorReasons.AllocationPaidOut.Code),
        ("cancel-open", ErrorReasons.ProposalNotApproved.Code),
        ("cancel-rejected", ErrorReasons.ProposalNotApproved.Code),
        ("cancel-paid-out", ErrorReasons.AllocationPaidOut.Code));

    [Theory]
    [MemberData(nameof(WrongStates))]
    public async Task Calls_on_a_proposal_in_the_wrong_state_are_refused_and_move_no_money(string provider, string fault, string expected)
    {
        var (test, clock) = await Funds.StartAsync(provider);
        await using var _test = test;
        await test.DonateAsync(10_000);
        var p1 = (await test.ProposeAsync("ana", 1_000)).ProposalId;
        switch (fault)
        {
            case "vote-twice" or "removed-member-votes":
                await test.VoteAsync("bo", p1, approve: true);
                break;
            case "reject-then-approve":
                await test.VoteAsync("ana", p1, approve: false);
                break;
            case "vote-on-approved" or "pay-out-twice" or "cancel-paid-out" or "vote-on-paid-out" or "pay-out-cancelled":
                await test.VoteAsync("bo", p1);
                await test.VoteAsync("cy", p1);
                if (fault is not "vote-on-approved")
                {
                    var ended = fault == "pay-out-cancelled"
                        ? await test.Fund().CancelAllocationAsync(new CancelAllocation(TestRequests.NewKey(), p1, "No longer needed"))
                        : await test.Fund().PayOutAsync(Funds.Payment(p1));
                    Assert.True(ended.Succeeded, ended.ToString());
                }

                break;
            case "vote-on-rejected" or "pay-out-rejected" or "cancel-rejected":
                Assert.Equal(ProposalStatus.Rejected, (await test.VoteAsync("bo", p1, approve: false)).Status);
                break;
            case "vote-on-lapsed" or "pay-out-lapsed":
                clock.Advance(Funds.Lifetime);
                break;
        }

        if (fault == "removed-member-votes")
        {
            Assert.True((await test.Fund().UpdateCommitteeAsync(new UpdateCommittee(TestRequests.NewKey(), ["ana", "cy", "dee"], 2))).Succeeded);
        }

        var before = await test.BalancesAsync();
        await test.RestartAsync();
        var fund = test.Fund();
        var failure = fault switch
        {
            "vote-twice" => (await fund.VoteAsync(Funds.Ballot("bo", p1, approve: false))).Failure,
            "reject-then-approve" => (await fund.VoteAsync(Funds.Ballot("ana", p1))).Failure,
            "proposer-approves" => (await fund.VoteAsync(Funds.Ballot("ana", p1))).Failure,
            "vote-on-approved" or "vote-on-rejected" or "vote-on-lapsed" or "vote-on-paid-out" => (await fund.VoteAsync(Funds.Ballot("ana", p1, approve: false))).Failure,
            "non-member-votes" => (await fund.VoteAsync(Funds.Ballot("dee", p1))).Failure,
            "removed-member-votes" => (await fund.VoteAsync(Funds.Ballot("bo", p1, approve: false))).Failure,
            "pay-out-open" or "pay-out-rejected" or "pay-out-lapsed" or "pay-out-cancelled" or "pay-out-twice" => (await fund.PayOutAsync(Funds.Payment(p1))).Failure,
            _ => (await fund.CancelAllocationAsync(new CancelAllocation(TestRequests.NewKey(), p1, "Changed our minds"))).Failure,
        };

        Assert.Equal(expected, failure?.Reason.Code);
        Assert.Equal(before, await test.BalancesAsync() with { Earmarks = before.Earmarks });
        await test.AssertBalancesEqualJournalAsync();
    }

    [Fact]
    public async Task The_proposer_may_reject_their_own_proposal_and_once_too_few_could_approve_it_is_rejected_as_quorum_unreachable()
    {
        var (test, _) = await Funds.StartAsync("memory");
        await using var _test = test;
        await test.DonateAsync(10_000);
        await test.ProposeAsync("ana", 1_000);

        Assert.Equal(ProposalStatus.Open, (await test.VoteAsync("ana", "p1", approve: false)).Status); // bo and cy could still approve
        var rejected = await test.VoteAsync("bo", "p1", approve: false);
        Assert.Equal((ProposalStatus.Rejected, "QUORUM_UNREACHABLE", 0L, 0L), (rejected.Status, rejected.OutcomeReason, rejected.ReservedFromEarmark, rejected.ReservedFromGeneral));
        Assert.NotNull(rejected.DecidedAt);
        Assert.Equal((10_000L, 0L), ((await test.BalancesAsync()).Available, (await test.BalancesAsync()).Reserved));

        // A committee of one: nobody but the proposer, who may not approve, so it is rejected at once.
        Assert.True((await test.Fund().UpdateCommitteeAsync(new UpdateCommittee(TestRequests.NewKey(), ["ana"], 1))).Succeeded);
        var alone = await test.ProposeAsync("ana", 1_000);
        Assert.Equal((ProposalStatus.Rejected, "QUORUM_UNREACHABLE"), (alone.Status, alone.OutcomeReason));
    }

    [Fact]
    public async Task A_proposal_whose_money_went_to_another_before_its_approval_is_rejected_for_insufficient_funds()
    {
        var (test, _) = await Funds.StartAsync("memory");
        await using var _test = test;
        await test.DonateAsync(10_000);
        await test.ProposeAsync("ana", 8_000);
        await test.ProposeAsync("bo", 5_000); // each fits what is there now

        await test.VoteAsync("bo", "p1");
        Assert.Equal(ProposalStatus.Approved, (await test.VoteAsync("cy", "p1")).Status);
        await test.VoteAsync("ana", "p2");
        var refused = await test.VoteAsync("cy", "p2");
        Assert.Equal((ProposalStatus.Rejected, "INSUFFICIENT_FUNDS", 0L, 0L), (refused.Status, refused.OutcomeReason, refused.ReservedFromEarmark, refused.ReservedFromGeneral));
        var balances = await test.BalancesAsync();
        Assert.Equal((2_000L, 8_000L), (balances.Available, balances.Reserved));
        Assert.Equal(ErrorReasons.InsufficientFunds, (await test.Fund().ProposeAllocationAsync(Funds.Proposal("ana", 2_001))).Reason());
        await test.AssertBalancesEqualJournalAsync();
    }

    [Fact]
    public async Task Money_earmarked_to_one_purpose_is_never_reserved_for_another()
    {
        var (test, _) = await Funds.StartAsync("memory");
        await using var _test = test;
        await test.DonateAsync(10_000, "food");
        await test.DonateAsync(1_000);

        Assert.Equal(ErrorReasons.InsufficientFunds, (await test.Fund().ProposeAllocationAsync(Funds.Proposal("ana", 1_001, "repairs"))).Reason());
        var repairs = await test.ProposeAsync("ana", 1_000, "repairs");
        var food = await test.ProposeAsync("ana", 10_500, "food");

        // Food takes its own earmark and then half of the general money; repairs may not touch the food earmark.
        await test.VoteAsync("bo", food.ProposalId);
        var approvedFood = await test.VoteAsync("cy", food.ProposalId);
        Assert.Equal((ProposalStatus.Approved, 10_000L, 500L), (approvedFood.Status, approvedFood.ReservedFromEarmark, approvedFood.ReservedFromGeneral));
        await test.VoteAsync("bo", repairs.ProposalId);
        var refused = await test.VoteAsync("cy", repairs.ProposalId);
        Assert.Equal((ProposalStatus.Rejected, "INSUFFICIENT_FUNDS"), (refused.Status, refused.OutcomeReason));

        var balances = await test.BalancesAsync();
        Assert.Equal((500L, 10_500L, 500L, 500L), (balances.Available, balances.Reserved, balances.GeneralAvailable, balances.GeneralReserved));
        Assert.Equal([new EarmarkBalance("repairs", 0, 0, 0), new EarmarkBalance("food", 0, 10_000, 10_000)], balances.Earmarks);

        var small = await test.ApprovedAsync(500, "repairs");
        Assert.Equal((0L, 500L), (small.ReservedFromEarmark, small.ReservedFromGeneral));
        await test.AssertBalancesEqualJournalAsync();
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Concurrent_approvals_never_reserve_more_than_the_fund_holds(string provider)
    {
        var (test, _) = await Funds.StartAsync(provider);
        await using var _test = test;
        await test.DonateAsync(6_000);
        await test.DonateAsync(4_000, "repairs");
        var ids = new List<string>();
        for (var i = 0; i < 16; i++)
        {
            ids.Add((await test.ProposeAsync(i % 2 == 0 ? "ana" : "bo", 1_000, i % 4 == 0 ? "food" : "repairs")).ProposalId);
        }

        var ct = TestContext.Current.CancellationToken;
        await Task.WhenAll(ids.Select(id => Task.Run(() => test.Fund().VoteAsync(Funds.Ballot("cy", id)), ct)));
        var last = await Task.WhenAll(ids.Select(id => Task.Run(() => test.Fund().VoteAsync(Funds.Ballot(ids.IndexOf(id) % 2 == 0 ? "bo" : "ana", id)), ct)));
        Assert.All(last, v => Assert.True(v.Succeeded, v.ToString()));

        await test.RestartAsync();
        var proposals = (await test.Fund().ListProposalsAsync(new ListProposals())).Value!.Proposals;
        Assert.Equal(10, proposals.Count(p => p.Status == ProposalStatus.Approved));
        Assert.Equal(6, proposals.Count(p => p is { Status: ProposalStatus.Rejected, OutcomeReason: "INSUFFICIENT_FUNDS" }));
        var balances = await test.BalancesAsync();
        Assert.Equal((0L, 10_000L), (balances.Available, balances.Reserved));
        Assert.Equal(4_000, proposals.Where(p => p.Purpose == "repairs").Sum(p => p.ReservedFromEarmark));
        Assert.Equal(0, proposals.Where(p => p.Purpose == "food").Sum(p => p.ReservedFromEarmark));
        await test.AssertBalancesEqualJournalAsync();
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_member_taken_off_the_committee_stops_counting_on_open_proposals_while_decided_ones_keep_their_result(string provider)
    {
        var (test, _) = await Funds.StartAsync(provider);
        await using var _test = test;
        await test.DonateAsync(10_000);
        var decided = await test.ApprovedAsync(2_000);
        await test.ProposeAsync("ana", 3_000);
        await test.VoteAsync("bo", "p2");

        var update = (await test.Fund().UpdateCommitteeAsync(new UpdateCommittee(TestRequests.NewKey(), ["ana", "cy", "dee"], 2))).Value!;
        Assert.Empty(update.Decided); // bo's approval no longer counts: cy and dee could still approve
        Assert.Equal(["ana", "cy", "dee"], update.Fund.CommitteeMembers);
        Assert.Equal(2, update.Fund.Quorum);

        await test.RestartAsync();
        var open = await test.ProposalAsync("p2");
        Assert.Equal(ProposalStatus.Open, open.Status);
        Assert.Equal([("bo", false)], open.Votes.Select(v => (v.Member, v.Counted)));
        var kept = await test.ProposalAsync("p1");
        Assert.Equal((ProposalStatus.Approved, 2_000L), (kept.Status, kept.ReservedFromGeneral));
        Assert.All(kept.Votes, v => Assert.True(v.Counted));
        Assert.Equal(ErrorReasons.NotACommitteeMember, (await test.Fund().VoteAsync(Funds.Ballot("bo", "p2"))).Reason());
        Assert.Equal(ErrorReasons.NotACommitteeMember, (await test.Fund().ProposeAllocationAsync(Funds.Proposal("bo", 100))).Reason());

        Assert.Equal(ProposalStatus.Open, (await test.VoteAsync("cy", "p2")).Status); // one counted approval of two
        var approved = await test.VoteAsync("dee", "p2");
        Assert.Equal((ProposalStatus.Approved, 3_000L), (approved.Status, approved.ReservedFromGeneral));
        Assert.Equal(decided.DecidedAt, (await test.ProposalAsync("p1")).DecidedAt);
        Assert.Equal((5_000L, 5_000L), ((await test.BalancesAsync()).Available, (await test.BalancesAsync()).Reserved));
        await test.AssertBalancesEqualJournalAsync();
    }

    [Fact]
    public async Task A_lower_quorum_approves_open_proposals_at_once_and_a_smaller_committee_rejects_those_it_cannot_approve()
    {
        var (test, _) = await Funds.StartAsync("memory");
        await using var _test = test;
        await test.DonateAsync(10_000);
        await test.ProposeAsync("ana", 1_000); // p1: approved by bo
        await test.VoteAsync("bo", "p1");
        await test.ProposeAsync("bo", 2_000); // p2: no votes
        await test.ProposeAsync("cy", 3_000); // p3: rejected by ana, as only bo could still approve it (decided: stays so)
        Assert.Equal(ProposalStatus.Rejected, (await test.VoteAsync("ana", "p3", approve: false)).Status);

        var same = (await test.Fund().UpdateCommitteeAsync(new UpdateCommittee(TestRequests.NewKey(), ["ana", "bo", "cy"], 2))).Value!;
        Assert.Empty(same.Decided);

        var lower = (await test.Fund().UpdateCommitteeAsync(new UpdateCommittee(TestRequests.NewKey(), ["ana", "bo", "cy"], 1))).Value!;
        var approved = Assert.Single(lower.Decided);
        Assert.Equal(("p1", ProposalStatus.Approved, 1_000L), (approved.ProposalId, approved.Status, approved.ReservedFromGeneral));
        Assert.Equal(ProposalStatus.Open, (await test.ProposalAsync("p2")).Status);
        Assert.Equal((ProposalStatus.Rejected, "QUORUM_UNREACHABLE"), ((await test.ProposalAsync("p3")).Status, (await test.ProposalAsync("p3")).OutcomeReason));

        // Only bo's proposal is open; a committee of bo alone can never approve it.
        var smaller = (await test.Fund().UpdateCommitteeAsync(new UpdateCommittee(TestRequests.NewKey(), ["bo"], 1))).Value!;
        var rejected = Assert.Single(smaller.Decided);
        Assert.Equal(("p2", ProposalStatus.Rejected, "QUORUM_UNREACHABLE"), (rejected.ProposalId, rejected.Status, rejected.OutcomeReason));
        Assert.Equal(ProposalStatus.Approved, (await test.ProposalAsync("p1")).Status);
        Assert.Equal((9_000L, 1_000L), ((await test.BalancesAsync()).Available, (await test.BalancesAsync()).Reserved));

        var listed = (await test.Fund().ListProposalsAsync(new ListProposals())).Value!.Proposals;
        Assert.Equal(["p3", "p2", "p1"], listed.Select(p => p.ProposalId)); // newest first
        Assert.Equal(["p3", "p2"], (await test.Fund().ListProposalsAsync(new ListProposals(ProposalStatus.Rejected))).Value!.Proposals.Select(p => p.ProposalId));
        Assert.Empty((await test.Fund().ListProposalsAsync(new ListProposals(ProposalStatus.Open))).Value!.Proposals);
        await test.AssertBalancesEqualJournalAsync();
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task An_open_proposal_lapses_after_the_funds_lifetime_by_the_reminder_also_across_a_restart(string provider)
    {
        var (test, clock) = await Funds.StartAsync(provider);
        await using var _test = test;
        var ct = TestContext.Current.CancellationToken;
        await test.DonateAsync(10_000);
        await test.ProposeAsync("ana", 1_000);
        clock.Advance(TimeSpan.FromDays(2));
        await test.ProposeAsync("bo", 2_000);

        clock.Advance(Funds.Lifetime - TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await test.Host.FireDueRemindersAsync(ct));
        Assert.Equal(ProposalStatus.Open, (await test.VoteAsync("bo", "p1")).Status); // still open a second before

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ProposalStatus.Lapsed, (await test.ProposalAsync("p1")).Status); // shown lapsed before the reminder marks it
        Assert.Equal(ErrorReasons.ProposalDecided, (await test.Fund().VoteAsync(Funds.Ballot("cy", "p1"))).Reason());
        await test.RestartAsync();
        Assert.Equal(1, await test.Host.FireDueRemindersAsync(ct));
        var lapsed = await test.ProposalAsync("p1");
        Assert.Equal((ProposalStatus.Lapsed, 0L, 0L), (lapsed.Status, lapsed.ReservedFromEarmark, lapsed.ReservedFromGeneral));
        Assert.NotNull(lapsed.DecidedAt);
        Assert.Equal(ProposalStatus.Open, (await test.ProposalAsync("p2")).Status);

        Assert.Equal(ErrorReasons.ProposalNotApproved, (await test.Fund().PayOutAsync(Funds.Payment("p1"))).Reason());
        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, await test.Host.FireDueRemindersAsync(ct));
        Assert.Equal(0, await test.Host.FireDueRemindersAsync(ct));
        Assert.Equal(["p2", "p1"], (await test.Fund().ListProposalsAsync(new ListProposals(ProposalStatus.Lapsed))).Value!.Proposals.Select(p => p.ProposalId));
        // A lower quorum does not revive a lapsed proposal, though p1 has an approval.
        var update = (await test.Fund().UpdateCommitteeAsync(new UpdateCommittee(TestRequests.NewKey(), ["ana", "bo", "cy"], 1))).Value!;
        Assert.Empty(update.Decided);
        Assert.Equal((10_000L, 0L), ((await test.BalancesAsync()).Available, (await test.BalancesAsync()).Reserved));
        await test.AssertBalancesEqualJournalAsync();
    }

    [Fact]
    public async Task A_retried_proposal_or_vote_gets_its_first_answer_and_a_reused_request_id_is_refused()
    {
        var (test, _) = await Funds.StartAsync("memory");
        await using var _test = test;
        await test.DonateAsync(10_000);
        var propose = Funds.Proposal("ana", 1_000) with { Request = TestRequests.Key("propose-1") };
        var first = (await test.Fund().ProposeAllocationAsync(propose)).Value!;
        Assert.Equal("p1", (await test.Fund().ProposeAllocationAsync(propose)).Value!.ProposalId);
        Assert.Equal(ErrorReasons.RequestIdReused, (await test.Fund().ProposeAllocationAsync(propose with { Amount = 1_001 })).Reason());

        var vote = Funds.Ballot("bo", first.ProposalId) with { Request = TestRequests.Key("vote-1") };
        Assert.Equal(ProposalStatus.Open, (await test.Fund().VoteAsync(vote)).Value!.Status);
        await test.VoteAsync("cy", first.ProposalId);
        var retried = (await test.Fund().VoteAsync(vote)).Value!; // after the proposal moved on: still the first answer
        Assert.Equal((ProposalStatus.Open, 1), (retried.Status, retried.Votes.Count));
        Assert.Equal(ErrorReasons.RequestIdReused, (await test.Fund().VoteAsync(vote with { Member = new CallerMember("cy") })).Reason());

        var listed = (await test.Fund().ListProposalsAsync(new ListProposals())).Value!.Proposals;
        Assert.Equal(("p1", ProposalStatus.Approved, 2), (Assert.Single(listed).ProposalId, listed[0].Status, listed[0].Votes.Count));
        Assert.Equal(1_000, (await test.BalancesAsync()).Reserved);
    }

    [Fact]
    public async Task A_member_taken_off_and_put_back_on_the_committee_counts_again_and_still_votes_once()
    {
        var (test, _) = await Funds.StartAsync("memory");
        await using var _test = test;
        await test.DonateAsync(10_000);
        await test.ProposeAsync("ana", 1_000);
        await test.VoteAsync("bo", "p1");

        Assert.True((await test.Fund().UpdateCommitteeAsync(new UpdateCommittee(TestRequests.NewKey(), ["ana", "cy", "dee"], 2))).Succeeded);
        Assert.False(Assert.Single((await test.ProposalAsync("p1")).Votes).Counted);
        var back = (await test.Fund().UpdateCommitteeAsync(new UpdateCommittee(TestRequests.NewKey(), ["ana", "bo", "cy", "dee"], 2))).Value!;
        Assert.Empty(back.Decided);
        Assert.True(Assert.Single((await test.ProposalAsync("p1")).Votes).Counted);
        Assert.Equal(ErrorReasons.VoteAlreadyCast, (await test.Fund().VoteAsync(Funds.Ballot("bo", "p1"))).Reason());
        Assert.Equal(ProposalStatus.Approved, (await test.VoteAsync("dee", "p1")).Status);
    }
}
