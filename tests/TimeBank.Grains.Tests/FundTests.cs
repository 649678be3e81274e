using ErrorReasons = TimeBank.Contracts.V1.ErrorReasons;
using TimeBank.Grains.Funds;
using TimeBank.Grains.Volunteers;
using TimeBank.Ledger;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Tests;

/// <summary>Creating funds, donations into them, their balances, statement and journal, and their bad inputs.</summary>
public sealed class FundTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_kind_of_fund_keeps_its_terms_with_cny_and_fourteen_days_by_default_and_creating_it_again_changes_nothing()
    {
        await using var test = await GrainTestHost.StartAsync("memory");
        var community = new CreateFund(TestRequests.NewKey(), "riverside", FundKind.Community, "Street fund", "", ["repairs"], ["ana"], 1);
        var named = new CreateFund(TestRequests.NewKey(), "riverside", FundKind.Named, "Li family fund", "EUR", ["books", "food"], ["ana", "bo"], 2,
            TimeSpan.FromHours(1), Donor: "The Li family", StatedPurpose: "Books for the reading room");
        var crowd = new CreateFund(TestRequests.NewKey(), "hillside", FundKind.Crowdfund, "New swings", "", ["playground"], ["cy"], 1,
            TimeSpan.FromDays(365), Target: 500_000, EndsAt: Start.AddDays(30));

        var created = (await test.Fund("street").CreateFundAsync(community)).Value!;
        Assert.True(created.Created);
        Assert.Equal(("street", "riverside", FundKind.Community, "CNY", TimeSpan.FromDays(14)), (created.Fund.FundId, created.Fund.CommunityId, created.Fund.Kind, created.Fund.Currency, created.Fund.ProposalLifetime));
        var li = (await test.Fund("li").CreateFundAsync(named)).Value!.Fund;
        Assert.Equal(("EUR", "The Li family", "Books for the reading room", 2), (li.Currency, li.Donor, li.StatedPurpose, li.Quorum));
        Assert.Equal(["ana", "bo"], li.CommitteeMembers);
        var swings = (await test.Fund("swings").CreateFundAsync(crowd)).Value!.Fund;
        Assert.Equal((500_000L, Start.AddDays(30)), (swings.Target, swings.EndsAt));

        var again = (await test.Fund("li").CreateFundAsync(named with { Request = TestRequests.NewKey() })).Value!;
        Assert.False(again.Created);
        Assert.Equal(li, again.Fund with { Purposes = li.Purposes, CommitteeMembers = li.CommitteeMembers });
        Assert.Equal(li.Purposes, again.Fund.Purposes);
        Assert.Equal(li.CommitteeMembers, again.Fund.CommitteeMembers);
        Assert.Equal(ErrorReasons.FundIdTaken, (await test.Fund("li").CreateFundAsync(named with { Request = TestRequests.NewKey(), Quorum = 1 })).Reason());
        Assert.Equal(ErrorReasons.FundIdTaken, (await test.Fund("li").CreateFundAsync(community with { Request = TestRequests.NewKey() })).Reason());

        var view = (await test.Fund("swings").GetFundAsync()).Value!;
        Assert.Equal(swings, view.Fund with { Purposes = swings.Purposes, CommitteeMembers = swings.CommitteeMembers });
        Assert.Equal(["playground"], view.Fund.Purposes);
        Assert.Equal(new FundBalances(0, 0, 0, 0, [], 0, 0), view.Balances with { Earmarks = [] });
        Assert.Equal([new EarmarkBalance("playground", 0, 0, 0)], view.Balances.Earmarks);
    }

    public static readonly TheoryData<string, string> BadCalls = new()
    {
        { "create-request-id", ErrorReasons.InvalidRequestId.Code },
        { "create-community-id", ErrorReasons.InvalidCommunityId.Code },
        { "create-no-community", ErrorReasons.CommunityNotFound.Code },
        { "create-kind", ErrorReasons.InvalidFundKind.Code },
        { "create-name", ErrorReasons.InvalidFundName.Code },
        { "create-currency-lower", ErrorReasons.InvalidCurrency.Code },
        { "create-currency-long", ErrorReasons.InvalidCurrency.Code },
        { "create-no-purposes", ErrorReasons.InvalidPurposes.Code },
        { "create-purpose-twice", ErrorReasons.InvalidPurposes.Code },
        { "create-purpose-malformed", ErrorReasons.InvalidPurposes.Code },
        { "create-21-purposes", ErrorReasons.InvalidPurposes.Code },
        { "create-no-members", ErrorReasons.InvalidCommittee.Code },
        { "create-member-twice", ErrorReasons.InvalidCommittee.Code },
        { "create-member-malformed", ErrorReasons.InvalidCommittee.Code },
        { "create-51-members", ErrorReasons.InvalidCommittee.Code },
        { "create-quorum-zero", ErrorReasons.InvalidCommittee.Code },
        { "create-quorum-above-members", ErrorReasons.InvalidCommittee.Code },
        { "create-lifetime-short", ErrorReasons.ProposalLifetimeOutOfRange.Code },
        { "create-lifetime-long", ErrorReasons.ProposalLifetimeOutOfRange.Code },
        { "create-named-without-donor", ErrorReasons.InvalidFundTerms.Code },
        { "create-community-with-target", ErrorReasons.InvalidFundTerms.Code },
        { "create-community-with-donor", ErrorReasons.InvalidFundTerms.Code },
        { "create-crowdfund-without-end", ErrorReasons.InvalidFundTerms.Code },
        { "create-crowdfund-target-huge", ErrorReasons.InvalidFundTerms.Code },
        { "create-crowdfund-target-zero", ErrorReasons.InvalidFundTerms.Code },
        { "committee-request-id", ErrorReasons.InvalidRequestId.Code },
        { "committee-no-members", ErrorReasons.InvalidCommittee.Code },
        { "committee-quorum-above-members", ErrorReasons.InvalidCommittee.Code },
        { "committee-no-fund", ErrorReasons.FundNotFound.Code },
        { "donate-request-id", ErrorReasons.InvalidRequestId.Code },
        { "donate-zero", ErrorReasons.AmountNotPositive.Code },
        { "donate-negative", ErrorReasons.AmountNotPositive.Code },
        { "donate-above-ten-to-fifteen", ErrorReasons.AmountTooLarge.Code },
        { "donate-long-max", ErrorReasons.AmountTooLarge.Code },
        { "donate-donor-control", ErrorReasons.InvalidDonor.Code },
        { "donate-donor-blank", ErrorReasons.InvalidDonor.Code },
        { "donate-no-reference", ErrorReasons.InvalidPaymentReference.Code },
        { "donate-reference-space", ErrorReasons.InvalidPaymentReference.Code },
        { "donate-reference-65", ErrorReasons.InvalidPaymentReference.Code },
        { "donate-pledge-id", ErrorReasons.InvalidPledgeId.Code },
        { "donate-no-fund", ErrorReasons.FundNotFound.Code },
        { "donate-currency", ErrorReasons.CurrencyMismatch.Code },
        { "donate-unknown-earmark", ErrorReasons.UnknownPurpose.Code },
        { "donate-unknown-pledge", ErrorReasons.PledgeNotFound.Code },
        { "pledge-request-id", ErrorReasons.InvalidRequestId.Code },
        { "pledge-id", ErrorReasons.InvalidPledgeId.Code },
        { "pledge-donor", ErrorReasons.InvalidDonor.Code },
        { "pledge-zero", ErrorReasons.AmountNotPositive.Code },
        { "pledge-huge", ErrorReasons.AmountTooLarge.Code },
        { "pledge-period", ErrorReasons.InvalidPledgeTerms.Code },
        { "pledge-no-start", ErrorReasons.InvalidPledgeTerms.Code },
        { "pledge-ends-at-start", ErrorReasons.InvalidPledgeTerms.Code },
        { "pledge-unknown-earmark", ErrorReasons.UnknownPurpose.Code },
        { "pledge-no-fund", ErrorReasons.FundNotFound.Code },
        { "pledges-no-fund", ErrorReasons.FundNotFound.Code },
        { "propose-request-id", ErrorReasons.InvalidRequestId.Code },
        { "propose-recipient", ErrorReasons.InvalidRecipient.Code },
        { "propose-zero", ErrorReasons.AmountNotPositive.Code },
        { "propose-huge", ErrorReasons.AmountTooLarge.Code },
        { "propose-text-blank", ErrorReasons.InvalidProposalText.Code },
        { "propose-text-1001", ErrorReasons.InvalidProposalText.Code },
        { "propose-text-control", ErrorReasons.InvalidProposalText.Code },
        { "propose-no-fund", ErrorReasons.FundNotFound.Code },
        { "propose-non-member", ErrorReasons.NotACommitteeMember.Code },
        { "propose-no-member", ErrorReasons.NotACommitteeMember.Code },
        { "propose-unknown-purpose", ErrorReasons.UnknownPurpose.Code },
        { "propose-more-than-there", ErrorReasons.InsufficientFunds.Code },
        { "vote-request-id", ErrorReasons.InvalidRequestId.Code },
        { "vote-proposal-id-number", ErrorReasons.InvalidProposalId.Code },
        { "vote-proposal-id-zero", ErrorReasons.InvalidProposalId.Code },
        { "vote-proposal-id-padded", ErrorReasons.InvalidProposalId.Code },
        { "vote-no-fund", ErrorReasons.FundNotFound.Code },
        { "vote-unknown-proposal", ErrorReasons.ProposalNotFound.Code },
        { "vote-non-member", ErrorReasons.NotACommitteeMember.Code },
        { "payout-request-id", ErrorReasons.InvalidRequestId.Code },
        { "payout-proposal-id", ErrorReasons.InvalidProposalId.Code },
        { "payout-reference", ErrorReasons.InvalidPaymentReference.Code },
        { "payout-no-fund", ErrorReasons.FundNotFound.Code },
        { "payout-unknown-proposal", ErrorReasons.ProposalNotFound.Code },
        { "cancel-proposal-id", ErrorReasons.InvalidProposalId.Code },
        { "cancel-reason", ErrorReasons.InvalidReason.Code },
        { "cancel-unknown-proposal", ErrorReasons.ProposalNotFound.Code },
        { "get-no-fund", ErrorReasons.FundNotFound.Code },
        { "list-status", ErrorReasons.InvalidProposalStatus.Code },
        { "list-no-fund", ErrorReasons.FundNotFound.Code },
        { "statement-page-size", ErrorReasons.InvalidPage.Code },
        { "statement-token", ErrorReasons.InvalidPage.Code },
        { "statement-range", ErrorReasons.InvalidTimeRange.Code },
        { "statement-no-fund", ErrorReasons.FundNotFound.Code },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public async Task Bad_fund_calls_are_refused_with_their_reason_and_change_nothing(string fault, string expected)
    {
        var (test, _) = await Funds.StartAsync("memory");
        await using var _test = test;
        await test.DonateAsync(10_000);
        var fund = test.Fund();
        var none = test.Fund("nowhere");
        var create = Funds.Creation() with { Request = TestRequests.NewKey() };
        var pledge = new CreatePledge(TestRequests.NewKey(), "li-monthly", "Mrs Li", 500, PledgePeriod.Monthly, Start);
        var proposal = Funds.Proposal("ana", 1_000);
        var bad = Key("bad id");

        Failure? failure = fault switch
        {
            "create-request-id" => (await none.CreateFundAsync(create with { Request = bad })).Failure,
            "create-community-id" => (await none.CreateFundAsync(create with { CommunityId = "bad id" })).Failure,
            "create-no-community" => (await none.CreateFundAsync(create with { CommunityId = "atlantis" })).Failure,
            "create-kind" => (await none.CreateFundAsync(create with { Kind = 0 })).Failure,
            "create-name" => (await none.CreateFundAsync(create with { Name = " " })).Failure,
            "create-currency-lower" => (await none.CreateFundAsync(create with { Currency = "cny" })).Failure,
            "create-currency-long" => (await none.CreateFundAsync(create with { Currency = "CNYX" })).Failure,
            "create-no-purposes" => (await none.CreateFundAsync(create with { Purposes = [] })).Failure,
            "create-purpose-twice" => (await none.CreateFundAsync(create with { Purposes = ["food", "food"] })).Failure,
            "create-purpose-malformed" => (await none.CreateFundAsync(create with { Purposes = ["Food"] })).Failure,
            "create-21-purposes" => (await none.CreateFundAsync(create with { Purposes = Enumerable.Range(0, 21).Select(i => $"p{i}").ToArray() })).Failure,
            "create-no-members" => (await none.CreateFundAsync(create with { CommitteeMembers = [] })).Failure,
            "create-member-twice" => (await none.CreateFundAsync(create with { CommitteeMembers = ["ana", "ana"], Quorum = 1 })).Failure,
            "create-member-malformed" => (await none.CreateFundAsync(create with { CommitteeMembers = ["ana", "b o"] })).Failure,
            "create-51-members" => (await none.CreateFundAsync(create with { CommitteeMembers = Enumerable.Range(0, 51).Select(i => $"m{i}").ToArray() })).Failure,
            "create-quorum-zero" => (await none.CreateFundAsync(create with { Quorum = 0 })).Failure,
            "create-quorum-above-members" => (await none.CreateFundAsync(create with { Quorum = 4 })).Failure,
            "create-lifetime-short" => (await none.CreateFundAsync(create with { ProposalLifetime = TimeSpan.FromMinutes(59) })).Failure,
            "create-lifetime-long" => (await none.CreateFundAsync(create with { ProposalLifetime = TimeSpan.FromDays(366) })).Failure,
            "create-named-without-donor" => (await none.CreateFundAsync(create with { Kind = FundKind.Named, StatedPurpose = "Books" })).Failure,
            "create-community-with-target" => (await none.CreateFundAsync(create with { Target = 100 })).Failure,
            "create-community-with-donor" => (await none.CreateFundAsync(create with { Donor = "Mrs Li" })).Failure,
            "create-crowdfund-without-end" => (await none.CreateFundAsync(create with { Kind = FundKind.Crowdfund, Target = 100 })).Failure,
            "create-crowdfund-target-huge" => (await none.CreateFundAsync(create with { Kind = FundKind.Crowdfund, Target = Amounts.MaxTransferAmount + 1, EndsAt = Start.AddDays(1) })).Failure,
            "create-crowdfund-target-zero" => (await none.CreateFundAsync(create with { Kind = FundKind.Crowdfund, EndsAt = Start.AddDays(1) })).Failure,
            "committee-request-id" => (await fund.UpdateCommitteeAsync(new UpdateCommittee(bad, ["ana"], 1))).Failure,
            "committee-no-members" => (await fund.UpdateCommitteeAsync(new UpdateCommittee(TestRequests.NewKey(), [], 1))).Failure,
            "committee-quorum-above-members" => (await fund.UpdateCommitteeAsync(new UpdateCommittee(TestRequests.NewKey(), ["ana", "bo"], 3))).Failure,
            "committee-no-fund" => (await none.UpdateCommitteeAsync(new UpdateCommittee(TestRequests.NewKey(), ["ana"], 1))).Failure,
            "donate-request-id" => (await fund.DonateAsync(Funds.Gift(100) with { Request = bad })).Failure,
            "donate-zero" => (await fund.DonateAsync(Funds.Gift(0))).Failure,
            "donate-negative" => (await fund.DonateAsync(Funds.Gift(-100))).Failure,
            "donate-above-ten-to-fifteen" => (await fund.DonateAsync(Funds.Gift(Amounts.MaxTransferAmount + 1))).Failure,
            "donate-long-max" => (await fund.DonateAsync(Funds.Gift(long.MaxValue))).Failure,
            "donate-donor-control" => (await fund.DonateAsync(Funds.Gift(100, donor: "Mrs\u0007Li"))).Failure,
            "donate-donor-blank" => (await fund.DonateAsync(Funds.Gift(100, donor: "  "))).Failure,
            "donate-no-reference" => (await fund.DonateAsync(Funds.Gift(100) with { PaymentReference = "" })).Failure,
            "donate-reference-space" => (await fund.DonateAsync(Funds.Gift(100) with { PaymentReference = "bank 12" })).Failure,
            "donate-reference-65" => (await fund.DonateAsync(Funds.Gift(100) with { PaymentReference = new string('r', 65) })).Failure,
            "donate-pledge-id" => (await fund.DonateAsync(Funds.Gift(100, pledgeId: "bad id"))).Failure,
            "donate-no-fund" => (await none.DonateAsync(Funds.Gift(100))).Failure,
            "donate-currency" => (await fund.DonateAsync(Funds.Gift(100, currency: "USD"))).Failure,
            "donate-unknown-earmark" => (await fund.DonateAsync(Funds.Gift(100, earmark: "books"))).Failure,
            "donate-unknown-pledge" => (await fund.DonateAsync(Funds.Gift(100, pledgeId: "nobody"))).Failure,
            "pledge-request-id" => (await fund.CreatePledgeAsync(pledge with { Request = bad })).Failure,
            "pledge-id" => (await fund.CreatePledgeAsync(pledge with { PledgeId = "-li" })).Failure,
            "pledge-donor" => (await fund.CreatePledgeAsync(pledge with { Donor = "" })).Failure,
            "pledge-zero" => (await fund.CreatePledgeAsync(pledge with { Amount = 0 })).Failure,
            "pledge-huge" => (await fund.CreatePledgeAsync(pledge with { Amount = Amounts.MaxTransferAmount + 1 })).Failure,
            "pledge-period" => (await fund.CreatePledgeAsync(pledge with { Period = 0 })).Failure,
            "pledge-no-start" => (await fund.CreatePledgeAsync(pledge with { StartsAt = default })).Failure,
            "pledge-ends-at-start" => (await fund.CreatePledgeAsync(pledge with { EndsAt = Start })).Failure,
            "pledge-unknown-earmark" => (await fund.CreatePledgeAsync(pledge with { Earmark = "books" })).Failure,
            "pledge-no-fund" => (await none.CreatePledgeAsync(pledge)).Failure,
            "pledges-no-fund" => (await none.ListPledgesAsync()).Failure,
            "propose-request-id" => (await fund.ProposeAllocationAsync(proposal with { Request = bad })).Failure,
            "propose-recipient" => (await fund.ProposeAllocationAsync(proposal with { Recipient = "" })).Failure,
            "propose-zero" => (await fund.ProposeAllocationAsync(proposal with { Amount = 0 })).Failure,
            "propose-huge" => (await fund.ProposeAllocationAsync(proposal with { Amount = Amounts.MaxTransferAmount + 1 })).Failure,
            "propose-text-blank" => (await fund.ProposeAllocationAsync(proposal with { Text = " \n" })).Failure,
            "propose-text-1001" => (await fund.ProposeAllocationAsync(proposal with { Text = new string('t', 1_001) })).Failure,
            "propose-text-control" => (await fund.ProposeAllocationAsync(proposal with { Text = "tiles\u0000" })).Failure,
            "propose-no-fund" => (await none.ProposeAllocationAsync(proposal)).Failure,
            "propose-non-member" => (await fund.ProposeAllocationAsync(proposal with { Member = new CallerMember("dee") })).Failure,
            "propose-no-member" => (await fund.ProposeAllocationAsync(proposal with { Member = new CallerMember("") })).Failure,
            "propose-unknown-purpose" => (await fund.ProposeAllocationAsync(proposal with { Purpose = "books" })).Failure,
            "propose-more-than-there" => (await fund.ProposeAllocationAsync(proposal with { Amount = 10_001 })).Failure,
            "vote-request-id" => (await fund.VoteAsync(Funds.Ballot("bo", "p1") with { Request = bad })).Failure,
            "vote-proposal-id-number" => (await fund.VoteAsync(Funds.Ballot("bo", "1"))).Failure,
            "vote-proposal-id-zero" => (await fund.VoteAsync(Funds.Ballot("bo", "p0"))).Failure,
            "vote-proposal-id-padded" => (await fund.VoteAsync(Funds.Ballot("bo", "p01"))).Failure,
            "vote-no-fund" => (await none.VoteAsync(Funds.Ballot("bo", "p1"))).Failure,
            "vote-unknown-proposal" => (await fund.VoteAsync(Funds.Ballot("bo", "p9"))).Failure,
            "vote-non-member" => (await fund.VoteAsync(Funds.Ballot("dee", (await test.ProposeAsync("ana", 100)).ProposalId))).Failure,
            "payout-request-id" => (await fund.PayOutAsync(Funds.Payment("p1") with { Request = bad })).Failure,
            "payout-proposal-id" => (await fund.PayOutAsync(Funds.Payment("proposal-1"))).Failure,
            "payout-reference" => (await fund.PayOutAsync(Funds.Payment("p1") with { PaymentReference = "" })).Failure,
            "payout-no-fund" => (await none.PayOutAsync(Funds.Payment("p1"))).Failure,
            "payout-unknown-proposal" => (await fund.PayOutAsync(Funds.Payment("p1"))).Failure,
            "cancel-proposal-id" => (await fund.CancelAllocationAsync(new CancelAllocation(TestRequests.NewKey(), "", "Roof fixed for free"))).Failure,
            "cancel-reason" => (await fund.CancelAllocationAsync(new CancelAllocation(TestRequests.NewKey(), "p1", ""))).Failure,
            "cancel-unknown-proposal" => (await fund.CancelAllocationAsync(new CancelAllocation(TestRequests.NewKey(), "p1", "Roof fixed for free"))).Failure,
            "get-no-fund" => (await none.GetFundAsync()).Failure,
            "list-status" => (await fund.ListProposalsAsync(new ListProposals((ProposalStatus)9))).Failure,
            "list-no-fund" => (await none.ListProposalsAsync(new ListProposals())).Failure,
            "statement-page-size" => (await fund.GetFundStatementAsync(new GetFundStatement(PageSize: 501))).Failure,
            "statement-token" => (await fund.GetFundStatementAsync(new GetFundStatement(PageToken: "not-a-token"))).Failure,
            "statement-range" => (await fund.GetFundStatementAsync(new GetFundStatement(FromTime: Start, ToTime: Start))).Failure,
            "statement-no-fund" => (await none.GetFundStatementAsync(new GetFundStatement())).Failure,
            _ => null,
        };

        Assert.Equal(expected, failure?.Reason.Code);
        Assert.Equal(ErrorReasons.FundNotFound, (await none.GetFundAsync()).Reason()); // a refused creation creates nothing
        var balances = await test.BalancesAsync();
        Assert.Equal((10_000L, 0L, 10_000L, 0L), (balances.Available, balances.Reserved, balances.Donated, balances.PaidOut));
        Assert.Equal(fault == "vote-non-member" ? 1 : 0, (await fund.ListProposalsAsync(new ListProposals())).Value!.Proposals.Count);
        Assert.Empty((await fund.ListPledgesAsync()).Value!.Pledges);
        Assert.Equal(["ana", "bo", "cy"], (await fund.GetFundAsync()).Value!.Fund.CommitteeMembers);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Donations_earmarked_or_not_and_anonymous_or_named_show_in_the_balances_and_statement_after_a_restart(string provider)
    {
        var (test, clock) = await Funds.StartAsync(provider);
        await using var _test = test;
        var general = (await test.Fund().DonateAsync(new Donate(TestRequests.Key("d1"), "", 10_000, "", "", "bank-001"))).Value!;
        clock.Advance(TimeSpan.FromMinutes(1));
        var earmarked = (await test.Fund().DonateAsync(new Donate(TestRequests.Key("d2"), " Mr Zhao ", 2_500, "CNY", "food", "bank-002"))).Value!;
        Assert.Equal("fund/roof#1", general.TransferId);
        Assert.Equal("fund/roof#2", earmarked.TransferId);
        Assert.Null(earmarked.FulfilledDueDate);
        Assert.Equal((12_500L, 0L, 12_500L, 0L, 10_000L, 0L), (earmarked.Balances.Available, earmarked.Balances.Reserved, earmarked.Balances.Donated, earmarked.Balances.PaidOut, earmarked.Balances.GeneralAvailable, earmarked.Balances.GeneralReserved));

        await test.RestartAsync();
        var balances = await test.BalancesAsync();
        Assert.Equal(earmarked.Balances with { Earmarks = [] }, balances with { Earmarks = [] });
        Assert.Equal([new EarmarkBalance("repairs", 0, 0, 0), new EarmarkBalance("food", 2_500, 0, 2_500)], balances.Earmarks);

        // A retry gets the first answer and moves nothing again; the same id for another donation is refused.
        var retried = (await test.Fund().DonateAsync(new Donate(TestRequests.Key("d1"), "", 10_000, "", "", "bank-001"))).Value!;
        Assert.Equal(general.TransferId, retried.TransferId);
        Assert.Equal(ErrorReasons.RequestIdReused, (await test.Fund().DonateAsync(new Donate(TestRequests.Key("d1"), "", 10_001, "", "", "bank-001"))).Reason());
        Assert.Equal(12_500, (await test.BalancesAsync()).Donated);

        var lines = (await test.Fund().GetFundStatementAsync(new GetFundStatement())).Value!.Lines;
        Assert.Equal(2, lines.Count);
        Assert.Equal(
            [
                ("fund/roof#2", TransferKind.Posted, TransferCode.Donation, "food", "bank-002", "Mr Zhao", "fund/roof/donors", "fund/roof/earmark/food", 2_500L, 2_500L),
                ("fund/roof#1", TransferKind.Posted, TransferCode.Donation, "", "bank-001", "anonymous", "fund/roof/donors", "fund/roof/general", 10_000L, 10_000L),
            ],
            lines.Select(l => (l.TransferId, l.Kind, l.Code, l.Category, l.Reference, l.Memo, l.DebitAccount, l.CreditAccount, l.Amount, l.BalanceAfter)));
        Assert.All(lines, l => Assert.Equal(LedgerKind.Money, l.Ledger));
        Assert.All(lines, l => Assert.Equal(TestRequests.CallerKeyId, l.ActorKeyId));
        Assert.Equal(Start.AddMinutes(1), lines[0].RecordedAt);

        var page = (await test.Fund().GetFundStatementAsync(new GetFundStatement(PageSize: 1))).Value!;
        Assert.Equal("fund/roof#2", Assert.Single(page.Lines).TransferId);
        var next = (await test.Fund().GetFundStatementAsync(new GetFundStatement(PageSize: 1, PageToken: page.NextPageToken))).Value!;
        Assert.Equal("fund/roof#1", Assert.Single(next.Lines).TransferId);
        Assert.Equal("", next.NextPageToken);
        var early = (await test.Fund().GetFundStatementAsync(new GetFundStatement(ToTime: Start.AddSeconds(30)))).Value!;
        Assert.Equal("fund/roof#1", Assert.Single(early.Lines).TransferId);

        await test.AssertBalancesEqualJournalAsync();
    }

    [Fact]
    public async Task A_fund_in_another_currency_takes_donations_only_in_it()
    {
        var (test, _) = await Funds.StartAsync("memory", Funds.Creation() with { Currency = "USD" });
        await using var _test = test;

        Assert.Equal(ErrorReasons.CurrencyMismatch, (await test.Fund().DonateAsync(Funds.Gift(100, currency: "CNY"))).Reason());
        Assert.Equal(ErrorReasons.CurrencyMismatch, (await test.Fund().DonateAsync(Funds.Gift(100, currency: "usd"))).Reason());
        Assert.True((await test.Fund().DonateAsync(Funds.Gift(100, currency: "USD"))).Succeeded);
        Assert.True((await test.Fund().DonateAsync(Funds.Gift(50))).Succeeded); // empty: the fund's own

        var view = (await test.Fund().GetFundAsync()).Value!;
        Assert.Equal("USD", view.Fund.Currency);
        Assert.Equal(150, view.Balances.Donated);
        await test.AssertBalancesEqualJournalAsync();
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_crowdfund_shows_its_progress_past_its_target_and_takes_nothing_from_its_end(string provider)
    {
        var crowdfund = Funds.Creation() with { Kind = FundKind.Crowdfund, Target = 40_000, EndsAt = Start.AddDays(10) };
        var (test, clock) = await Funds.StartAsync(provider, crowdfund);
        await using var _test = test;
        Assert.Equal(0, (await test.Fund().GetFundAsync()).Value!.ProgressPercent);

        await test.DonateAsync(10_000);
        Assert.Equal(25, (await test.Fund().GetFundAsync()).Value!.ProgressPercent);
        await test.DonateAsync(9_999, "food");
        Assert.Equal(49, (await test.Fund().GetFundAsync()).Value!.ProgressPercent); // whole percent, rounded down
        await test.DonateAsync(30_001);
        Assert.Equal(125, (await test.Fund().GetFundAsync()).Value!.ProgressPercent);

        clock.Advance(TimeSpan.FromDays(10) - TimeSpan.FromSeconds(1));
        await test.DonateAsync(1);
        clock.Advance(TimeSpan.FromSeconds(1));
        await test.RestartAsync();
        Assert.Equal(ErrorReasons.CrowdfundEnded, (await test.Fund().DonateAsync(Funds.Gift(100))).Reason());
        var view = (await test.Fund().GetFundAsync()).Value!;
        Assert.Equal((50_001L, 125), (view.Balances.Donated, view.ProgressPercent));

        // Money raised is still spent as the committee decides.
        var approved = await test.ApprovedAsync(50_001, "food");
        Assert.Equal((9_999L, 40_002L), (approved.ReservedFromEarmark, approved.ReservedFromGeneral));
        Assert.Equal((0L, 50_001L), ((await test.BalancesAsync()).Available, (await test.BalancesAsync()).Reserved));
        await test.AssertBalancesEqualJournalAsync();
    }

    [Fact]
    public async Task A_community_or_named_fund_shows_no_progress_and_has_no_end()
    {
        var named = Funds.Creation() with { Kind = FundKind.Named, Donor = "The Li family", StatedPurpose = "Keep the hall dry" };
        var (test, clock) = await Funds.StartAsync("memory", named);
        await using var _test = test;
        clock.Advance(TimeSpan.FromDays(3_650));

        await test.DonateAsync(1_000);
        var view = (await test.Fund().GetFundAsync()).Value!;
        Assert.Equal((0, 1_000L), (view.ProgressPercent, view.Balances.Donated));
    }

    [Fact]
    public async Task A_crowdfund_far_past_its_target_shows_its_true_progress()
    {
        var crowdfund = Funds.Creation() with { Kind = FundKind.Crowdfund, Target = Amounts.MaxTransferAmount, EndsAt = Start.AddDays(10) };
        var (test, _) = await Funds.StartAsync("memory", crowdfund);
        await using var _test = test;

        for (var i = 0; i < 100; i++)
        {
            await test.DonateAsync(Amounts.MaxTransferAmount);
        }

        // 10^17 donated against 10^15: 10,000 percent (donated * 100 would not fit in a long).
        var view = (await test.Fund().GetFundAsync()).Value!;
        Assert.Equal((100 * Amounts.MaxTransferAmount, 10_000), (view.Balances.Donated, view.ProgressPercent));
    }

    [Fact]
    public async Task Donations_that_would_take_the_funds_totals_past_what_a_long_holds_are_refused_and_the_fund_still_answers()
    {
        var (test, _) = await Funds.StartAsync("memory");
        await using var _test = test;
        const long max = Amounts.MaxTransferAmount;
        var fits = long.MaxValue / max; // 9,223 donations of 10^15 fit in a long, one more does not

        // Half into general money, half earmarked: neither account overflows, their sum would.
        for (var i = 0; i < fits; i++)
        {
            await test.DonateAsync(max, i % 2 == 0 ? "" : "food");
        }

        Assert.Equal(fits * max, (await test.BalancesAsync()).Donated);
        Assert.Equal(ErrorReasons.AmountOverflow, (await test.Fund().DonateAsync(Funds.Gift(max, "repairs"))).Reason());
        Assert.Equal(ErrorReasons.AmountOverflow, (await test.Fund().DonateAsync(Funds.Gift(max))).Reason());
        Assert.True((await test.Fund().DonateAsync(Funds.Gift(long.MaxValue - (fits * max), "repairs"))).Succeeded); // to the last unit

        var balances = await test.BalancesAsync();
        Assert.Equal((long.MaxValue, long.MaxValue), (balances.Donated, balances.Available));
        Assert.Equal(ErrorReasons.AmountOverflow, (await test.Fund().DonateAsync(Funds.Gift(1))).Reason());
        await test.AssertBalancesEqualJournalAsync();
    }

    private static RequestKey Key(string requestId) => TestRequests.Key(requestId);
}
