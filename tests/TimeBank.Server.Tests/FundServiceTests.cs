using TimeBank.Client;
using TimeBank.Contracts.V1;
using TimeBank.Rpc;

namespace TimeBank.Server.Tests;

/// <summary>
/// A community fund over the wire: the real server, a community admin who creates the fund, records donations
/// and pays out, and committee members' keys that propose and vote as the members they name.
/// </summary>
public sealed class FundServiceTests
{
    private const string Fund = "river-fund";

    private sealed record Committee(TimeBankClient Admin, TimeBankClient M1, TimeBankClient M2, TimeBankClient M3, TimeBankClient M4) : IDisposable
    {
        public void Dispose()
        {
            foreach (var client in new[] { Admin, M1, M2, M3, M4 })
            {
                client.Dispose();
            }
        }
    }

    /// <summary>
    /// Riverside's fund for food and rent, members m1-m4 with a quorum of 2; 300 earmarked to food and 200 general
    /// donated; a key for each member.
    /// </summary>
    private static async Task<Committee> OpenFundAsync(RunningServer running)
    {
        var communityAdmin = running.ClientWith((await running.Client.CreateKeyAsync(new CreateKeyRequest
            { RequestId = "k-admin", Role = "community-admin", Scope = "riverside", DisplayName = "Riverside admin" })).Secret);
        var created = await communityAdmin.CreateFundAsync(new CreateFundRequest
        {
            RequestId = "create", FundId = Fund, CommunityId = "riverside", Kind = FundKind.Community, Name = "Riverside fund",
            Purposes = { "food", "rent" }, CommitteeMembers = { "m1", "m2", "m3", "m4" }, Quorum = 2,
        });
        Assert.True(created.Created);
        Assert.Equal("CNY", created.Fund.Currency);
        await communityAdmin.DonateAsync(new DonateRequest { RequestId = "d1", FundId = Fund, Donor = "Golden Grain Co.", Amount = 300, Earmark = "food", PaymentReference = "bank-1" });
        await communityAdmin.DonateAsync(new DonateRequest { RequestId = "d2", FundId = Fund, Amount = 200, PaymentReference = "bank-2" });

        async Task<TimeBankClient> MemberAsync(string member)
            => running.ClientWith((await running.Client.CreateKeyAsync(new CreateKeyRequest
                { RequestId = $"k-{member}", Role = "committee-member", Scope = Fund, Member = member, DisplayName = $"Member {member}" })).Secret);

        return new Committee(communityAdmin, await MemberAsync("m1"), await MemberAsync("m2"), await MemberAsync("m3"), await MemberAsync("m4"));
    }

    private static async Task<(StatusCode Status, string? Reason)> RefusalAsync<T>(Func<Task<T>> call)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await call());
        return (refused.StatusCode, refused.Reason);
    }

    [Fact]
    public async Task Members_propose_and_vote_as_themselves_the_quorum_approves_and_the_admin_pays_out()
    {
        await using var running = await RunningServer.StartAsync();
        using var committee = await OpenFundAsync(running);

        // m1 proposes 350 for food: more than the food earmark, within food and general together.
        var proposal = await committee.M1.ProposeAllocationAsync(new ProposeAllocationRequest
            { RequestId = "p1", FundId = Fund, Recipient = "Soup kitchen", Amount = 350, Purpose = "food", Text = "A month of soup" });
        Assert.Equal(("p1", "m1", ProposalStatus.Open), (proposal.ProposalId, proposal.Proposer, proposal.Status));

        Assert.Equal((StatusCode.FailedPrecondition, "PROPOSER_CANNOT_APPROVE"),
            await RefusalAsync(() => committee.M1.VoteAsync(new VoteRequest { RequestId = "v-own", FundId = Fund, ProposalId = "p1", Approve = true })));
        var first = await committee.M2.VoteAsync(new VoteRequest { RequestId = "v2", FundId = Fund, ProposalId = "p1", Approve = true });
        Assert.Equal(ProposalStatus.Open, first.Status);
        Assert.Equal(first, await committee.M2.VoteAsync(new VoteRequest { RequestId = "v2", FundId = Fund, ProposalId = "p1", Approve = true })); // a retry: the same answer
        Assert.Equal((StatusCode.FailedPrecondition, "VOTE_ALREADY_CAST"),
            await RefusalAsync(() => committee.M2.VoteAsync(new VoteRequest { RequestId = "v2-again", FundId = Fund, ProposalId = "p1", Approve = false })));

        // The second approval is the quorum: approved, 300 held from the food earmark and 50 from general money.
        var approved = await committee.M3.VoteAsync(new VoteRequest { RequestId = "v3", FundId = Fund, ProposalId = "p1", Approve = true });
        Assert.Equal((ProposalStatus.Approved, 300L, 50L), (approved.Status, approved.ReservedFromEarmark, approved.ReservedFromGeneral));
        Assert.Equal([("m2", true, true), ("m3", true, true)], approved.Votes.Select(v => (v.Member, v.Approve, v.Counted)));
        Assert.NotNull(approved.DecidedAt);
        Assert.Equal((StatusCode.FailedPrecondition, "PROPOSAL_DECIDED"),
            await RefusalAsync(() => committee.M4.VoteAsync(new VoteRequest { RequestId = "v4", FundId = Fund, ProposalId = "p1", Approve = true })));

        var held = await committee.M4.GetFundAsync(new GetFundRequest { FundId = Fund }); // a member reads its fund
        Assert.Equal((150L, 350L, 500L, 0L, 50L, 150L), (held.Balances.Available, held.Balances.Reserved, held.Balances.Donated, held.Balances.PaidOut, held.Balances.GeneralReserved, held.Balances.GeneralAvailable));
        Assert.Equal([("food", 0L, 300L, 300L), ("rent", 0L, 0L, 0L)], held.Balances.Earmarks.Select(e => (e.Purpose, e.Available, e.Reserved, e.Donated)));

        // A second proposal for what is left, rejected once two members reject it (two approvals are out of reach).
        await committee.M4.ProposeAllocationAsync(new ProposeAllocationRequest { RequestId = "p2", FundId = Fund, Recipient = "Landlord", Amount = 150, Purpose = "rent", Text = "Hall rent" });
        await committee.M1.VoteAsync(new VoteRequest { RequestId = "v1-p2", FundId = Fund, ProposalId = "p2", Approve = false });
        var rejected = await committee.M2.VoteAsync(new VoteRequest { RequestId = "v2-p2", FundId = Fund, ProposalId = "p2", Approve = false });
        Assert.Equal((ProposalStatus.Rejected, "QUORUM_UNREACHABLE"), (rejected.Status, rejected.OutcomeReason));

        // The admin pays p1 out, once.
        var paid = await committee.Admin.PayOutAsync(new PayOutRequest { RequestId = "pay-1", FundId = Fund, ProposalId = "p1", PaymentReference = "transfer-991" });
        Assert.Equal((ProposalStatus.PaidOut, "transfer-991"), (paid.Status, paid.PaymentReference));
        Assert.Equal((StatusCode.FailedPrecondition, "ALLOCATION_PAID_OUT"),
            await RefusalAsync(() => committee.Admin.PayOutAsync(new PayOutRequest { RequestId = "pay-2", FundId = Fund, ProposalId = "p1", PaymentReference = "transfer-992" })));
        Assert.Equal((StatusCode.FailedPrecondition, "PROPOSAL_NOT_APPROVED"),
            await RefusalAsync(() => committee.Admin.CancelAllocationAsync(new CancelAllocationRequest { RequestId = "cancel-2", FundId = Fund, ProposalId = "p2", Reason = "Not needed" })));

        var after = (await committee.Admin.GetFundAsync(new GetFundRequest { FundId = Fund })).Balances;
        Assert.Equal((150L, 0L, 500L, 350L), (after.Available, after.Reserved, after.Donated, after.PaidOut));
        Assert.Equal(after.Donated, after.Available + after.Reserved + after.PaidOut);
        Assert.Equal(
            [("p2", ProposalStatus.Rejected), ("p1", ProposalStatus.PaidOut)],
            (await committee.M3.ListProposalsAsync(new ListProposalsRequest { FundId = Fund })).Proposals.Select(p => (p.ProposalId, p.Status)));
        Assert.Equal("p1", (await committee.Admin.ListProposalsAsync(new ListProposalsRequest { FundId = Fund, Status = ProposalStatus.PaidOut })).Proposals.Single().ProposalId);

        // The statement, newest first, signed as the fund sees it: two payout legs, two holds, two donations.
        var statement = await committee.M1.GetFundStatementAsync(new GetFundStatementRequest { FundId = Fund });
        Assert.Equal(
            [
                (TransferCode.Payout, TransferKind.PostPending, $"fund/{Fund}/general", -50L),
                (TransferCode.Payout, TransferKind.PostPending, $"fund/{Fund}/earmark/food", -300L),
                (TransferCode.Allocation, TransferKind.Pending, $"fund/{Fund}/general", -50L),
                (TransferCode.Allocation, TransferKind.Pending, $"fund/{Fund}/earmark/food", -300L),
                (TransferCode.Donation, TransferKind.Posted, $"fund/{Fund}/donors", 200L),
                (TransferCode.Donation, TransferKind.Posted, $"fund/{Fund}/donors", 300L),
            ],
            statement.Lines.Select(l => (l.Code, l.Kind, l.DebitAccount, l.Amount)));
        Assert.Equal(["p1", "p1", "p1", "p1", "bank-2", "bank-1"], statement.Lines.Select(l => l.Reference));
    }

    [Fact]
    public async Task Keys_outside_the_committee_or_the_fund_and_donations_in_another_currency_are_refused()
    {
        await using var running = await RunningServer.StartAsync();
        using var committee = await OpenFundAsync(running);
        await committee.M1.ProposeAllocationAsync(new ProposeAllocationRequest { RequestId = "p1", FundId = Fund, Recipient = "Soup kitchen", Amount = 100, Purpose = "food", Text = "Soup" });
        await committee.M2.VoteAsync(new VoteRequest { RequestId = "v2", FundId = Fund, ProposalId = "p1", Approve = true });

        // m2 leaves the committee: its key no longer proposes or votes, and its vote on the open proposal stops counting.
        var updated = await committee.Admin.UpdateCommitteeAsync(new UpdateCommitteeRequest { RequestId = "u1", FundId = Fund, CommitteeMembers = { "m1", "m3", "m4" }, Quorum = 2 });
        Assert.Equal(["m1", "m3", "m4"], updated.Fund.CommitteeMembers);
        Assert.Empty(updated.Decided);
        Assert.Equal((StatusCode.PermissionDenied, "NOT_A_COMMITTEE_MEMBER"),
            await RefusalAsync(() => committee.M2.VoteAsync(new VoteRequest { RequestId = "v2-p1-again", FundId = Fund, ProposalId = "p1", Approve = true })));
        Assert.Equal((StatusCode.PermissionDenied, "NOT_A_COMMITTEE_MEMBER"),
            await RefusalAsync(() => committee.M2.ProposeAllocationAsync(new ProposeAllocationRequest { RequestId = "p-m2", FundId = Fund, Recipient = "Me", Amount = 10, Purpose = "food", Text = "Mine" })));
        var open = (await committee.Admin.ListProposalsAsync(new ListProposalsRequest { FundId = Fund })).Proposals.Single();
        Assert.Equal((ProposalStatus.Open, false), (open.Status, open.Votes.Single(v => v.Member == "m2").Counted));

        // m3's approval is now the first that counts, m4's the second.
        Assert.Equal(ProposalStatus.Open, (await committee.M3.VoteAsync(new VoteRequest { RequestId = "v3", FundId = Fund, ProposalId = "p1", Approve = true })).Status);
        Assert.Equal(ProposalStatus.Approved, (await committee.M4.VoteAsync(new VoteRequest { RequestId = "v4", FundId = Fund, ProposalId = "p1", Approve = true })).Status);

        // A member's key of another fund reaches nothing here, not even to read.
        await committee.Admin.CreateFundAsync(new CreateFundRequest
            { RequestId = "create-2", FundId = "other-fund", CommunityId = "riverside", Kind = FundKind.Community, Name = "Other fund", Purposes = { "food" }, CommitteeMembers = { "m1" }, Quorum = 1 });
        using var otherMember = running.ClientWith((await running.Client.CreateKeyAsync(new CreateKeyRequest
            { RequestId = "k-other", Role = "committee-member", Scope = "other-fund", Member = "m1", DisplayName = "Other fund's m1" })).Secret);
        Assert.Equal((StatusCode.PermissionDenied, "OUT_OF_SCOPE"),
            await RefusalAsync(() => otherMember.VoteAsync(new VoteRequest { RequestId = "v-other", FundId = Fund, ProposalId = "p1", Approve = false })));
        Assert.Equal((StatusCode.PermissionDenied, "OUT_OF_SCOPE"),
            await RefusalAsync(() => otherMember.GetFundAsync(new GetFundRequest { FundId = Fund })));

        // A donation in another currency, and one to a purpose the fund does not have.
        Assert.Equal((StatusCode.FailedPrecondition, "CURRENCY_MISMATCH"),
            await RefusalAsync(() => committee.Admin.DonateAsync(new DonateRequest { RequestId = "d-eur", FundId = Fund, Amount = 100, Currency = "EUR", PaymentReference = "bank-3" })));
        Assert.Equal((StatusCode.FailedPrecondition, "UNKNOWN_PURPOSE"),
            await RefusalAsync(() => committee.Admin.DonateAsync(new DonateRequest { RequestId = "d-tools", FundId = Fund, Amount = 100, Earmark = "tools", PaymentReference = "bank-4" })));

        // A proposal beyond what its purpose may take now.
        Assert.Equal((StatusCode.FailedPrecondition, "INSUFFICIENT_FUNDS"),
            await RefusalAsync(() => committee.M1.ProposeAllocationAsync(new ProposeAllocationRequest { RequestId = "p-big", FundId = Fund, Recipient = "Landlord", Amount = 201, Purpose = "rent", Text = "Rent" })));

        // Nothing refused moved money: 100 of 500 reserved.
        var balances = (await committee.Admin.GetFundAsync(new GetFundRequest { FundId = Fund })).Balances;
        Assert.Equal((400L, 100L, 500L, 0L), (balances.Available, balances.Reserved, balances.Donated, balances.PaidOut));
    }
}
