using TimeBank.Client;
using TimeBank.Contracts.V1;
using TimeBank.Rpc;
using TimeBank.Server.Api;
using TimeBank.Server.Auth;

namespace TimeBank.Server.Tests;

/// <summary>
/// Every RPC in <see cref="ApiPolicy"/>, called over gRPC with a key of every role, in scope and out of
/// scope, with no key and with a revoked key: each answer must be what the table says. An RPC without a
/// sample call here fails the test, so no RPC ships untried.
/// </summary>
public sealed class AuthorizationMatrixTests
{
    private const string Home = "riverside";
    private const string Elsewhere = "hillside";

    /// <summary>A valid call of each RPC against the fixtures (volunteer ana in riverside), made with the given client.</summary>
    private static readonly Dictionary<string, Func<TimeBankClient, Fixture, Task>> Samples = new()
    {
        [AdminServiceMethods.CreateKey.FullName] = (client, _) => client.CreateKeyAsync(new CreateKeyRequest
            { RequestId = NewId(), Role = "app", Scope = Home, DisplayName = "Matrix app" }),
        [AdminServiceMethods.ListKeys.FullName] = (client, _) => client.ListKeysAsync(new ListKeysRequest { Scope = Home }),
        [AdminServiceMethods.RevokeKey.FullName] = async (client, fixture) => await client.RevokeKeyAsync(new RevokeKeyRequest
            { RequestId = NewId(), KeyId = await fixture.NewAppKeyIdAsync() }),
        [CommunityServiceMethods.CreateCommunity.FullName] = (client, _) => client.CreateCommunityAsync(new CreateCommunityRequest
            { RequestId = NewId(), CommunityId = "c-" + NewId()[..12], DisplayName = "New Community" }),
        [CommunityServiceMethods.GetCommunity.FullName] = (client, _) => client.GetCommunityAsync(new GetCommunityRequest { CommunityId = Home }),
        [CommunityServiceMethods.UpdatePolicy.FullName] = (client, _) => client.UpdatePolicyAsync(new UpdatePolicyRequest
        {
            RequestId = NewId(), CommunityId = Home,
            Policy = new PolicySettings { PointsPerHour = Random.Shared.Next(1, 100), MaxMinutesPerDeposit = 1440, HoldExpiry = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(15)) },
        }),
        [CommunityServiceMethods.GetTotals.FullName] = (client, _) => client.GetTotalsAsync(new GetTotalsRequest { CommunityId = Home }),
        [CommunityServiceMethods.GetLeaderboard.FullName] = (client, _) => client.GetLeaderboardAsync(new GetLeaderboardRequest
            { CommunityId = Home, Period = LeaderboardPeriod.AllTime }),
        [CommunityServiceMethods.ExportReport.FullName] = async (client, _) =>
        {
            await foreach (var chunk in client.ExportReportAsync(new ExportReportRequest { CommunityId = Home }))
            {
            }
        },
        [LedgerServiceMethods.VerifyJournal.FullName] = async (client, _) =>
        {
            await foreach (var progress in client.VerifyJournalAsync(new VerifyJournalRequest { CommunityId = Home }))
            {
            }
        },
        [VolunteerServiceMethods.RegisterVolunteer.FullName] = (client, _) => client.RegisterVolunteerAsync(new RegisterVolunteerRequest
            { RequestId = NewId(), VolunteerId = "v-" + NewId()[..12], DisplayName = "New Volunteer", CommunityId = Home }),
        [VolunteerServiceMethods.DepositHours.FullName] = (client, _) => client.DepositHoursAsync(new DepositHoursRequest
            { RequestId = NewId(), VolunteerId = "ana", ActivityId = "park", Minutes = 30 }),
        [VolunteerServiceMethods.GetBalance.FullName] = (client, _) => client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ana" }),
        [VolunteerServiceMethods.TransferHours.FullName] = (client, _) => client.TransferHoursAsync(new TransferHoursRequest
            { RequestId = NewId(), VolunteerId = "ana", ToVolunteerId = "ben", Minutes = 1, Code = TransferCode.Gift }),
        [VolunteerServiceMethods.HoldPoints.FullName] = (client, _) => client.HoldPointsAsync(new HoldPointsRequest
            { RequestId = NewId(), VolunteerId = "ana", Points = 1 }),
        [VolunteerServiceMethods.PostHold.FullName] = async (client, fixture) => await client.PostHoldAsync(new PostHoldRequest
            { RequestId = NewId(), VolunteerId = "ana", HoldId = await fixture.NewHoldAsync() }),
        [VolunteerServiceMethods.VoidHold.FullName] = async (client, fixture) => await client.VoidHoldAsync(new VoidHoldRequest
            { RequestId = NewId(), VolunteerId = "ana", HoldId = await fixture.NewHoldAsync() }),
        [ActivityServiceMethods.PublishActivity.FullName] = (client, _) => client.PublishActivityAsync(Fixture.Activity("a-" + NewId()[..12])),
        [ActivityServiceMethods.GetActivity.FullName] = (client, _) => client.GetActivityAsync(new GetActivityRequest { ActivityId = "home-activity" }),
        [ActivityServiceMethods.SignUp.FullName] = (client, _) => client.SignUpAsync(new SignUpRequest { RequestId = NewId(), ActivityId = "home-activity", VolunteerId = "ana" }),
        [ActivityServiceMethods.Withdraw.FullName] = async (client, fixture) => await client.WithdrawAsync(new WithdrawRequest
            { RequestId = NewId(), ActivityId = "home-activity", VolunteerId = await fixture.NewSignedUpVolunteerAsync() }),
        [ActivityServiceMethods.CancelActivity.FullName] = async (client, fixture) => await client.CancelActivityAsync(new CancelActivityRequest
            { RequestId = NewId(), ActivityId = await fixture.NewActivityAsync() }),
        [ActivityServiceMethods.ListVolunteerActivities.FullName] = (client, _) => client.ListVolunteerActivitiesAsync(new ListVolunteerActivitiesRequest { VolunteerId = "ana" }),
        [ActivityServiceMethods.ListActivities.FullName] = (client, _) => client.ListActivitiesAsync(new ListActivitiesRequest { CommunityId = Home, PageSize = 5 }),
        [ActivityServiceMethods.ConfirmAttendance.FullName] = async (client, fixture) =>
        {
            await fixture.UntilStartedAsync();
            await client.ConfirmAttendanceAsync(new ConfirmAttendanceRequest
                { RequestId = NewId(), ActivityId = "started-activity", Attendees = { new AttendanceEntry { VolunteerId = "ana", Minutes = 30 } } });
        },
        [StoreServiceMethods.OpenStore.FullName] = (client, _) => client.OpenStoreAsync(new OpenStoreRequest
            { RequestId = NewId(), StoreId = "s-" + NewId()[..12], CommunityId = Home, Name = "Corner store" }),
        [StoreServiceMethods.UpsertItem.FullName] = (client, _) => client.UpsertItemAsync(new UpsertItemRequest
            { RequestId = NewId(), StoreId = $"store-{Home}", ItemId = "rice", Name = "Rice, 5 kg", PricePoints = Random.Shared.Next(10, 90), Active = true }),
        [StoreServiceMethods.Restock.FullName] = (client, _) => client.RestockAsync(new RestockRequest
            { RequestId = NewId(), StoreId = $"store-{Home}", ItemId = "soap", Quantity = 3, Source = StockSource.Bought }),
        [StoreServiceMethods.AdjustStock.FullName] = (client, _) => client.AdjustStockAsync(new AdjustStockRequest
            { RequestId = NewId(), StoreId = $"store-{Home}", ItemId = "soap", Counted = Random.Shared.Next(5_000, 10_000), Reason = "Counted at closing" }),
        [StoreServiceMethods.GetCatalog.FullName] = (client, _) => client.GetCatalogAsync(new GetCatalogRequest { StoreId = $"store-{Home}" }),
        [StoreServiceMethods.SetStoreRules.FullName] = (client, _) => client.SetStoreRulesAsync(new SetStoreRulesRequest
            { RequestId = NewId(), StoreId = $"store-{Home}", OfflineDailyLimitPoints = Random.Shared.Next(500, 1000) }),
        [StoreServiceMethods.Redeem.FullName] = (client, _) => client.RedeemAsync(new RedeemRequest
            { RequestId = NewId(), StoreId = $"store-{Home}", VolunteerId = "ana", Lines = { new BasketLine { ItemId = "soap", Quantity = 1 } }, TotalPoints = 5 }),
        [StoreServiceMethods.Refund.FullName] = async (client, fixture) => await client.RefundAsync(new RefundRequest
            { RequestId = NewId(), StoreId = $"store-{Home}", ReceiptId = await fixture.NewReceiptAsync() }),
        [StoreServiceMethods.GetReceipt.FullName] = (client, fixture) => client.GetReceiptAsync(new GetReceiptRequest { StoreId = $"store-{Home}", ReceiptId = fixture.SeededReceiptId }),
        [StoreServiceMethods.ListReceipts.FullName] = (client, fixture) => client.ListReceiptsAsync(new ListReceiptsRequest
            { StoreId = $"store-{Home}", FromDay = fixture.SeededReceiptDay, PageSize = 5 }),
        [StoreServiceMethods.CloseDay.FullName] = (client, fixture) => client.CloseDayAsync(new CloseDayRequest
            { RequestId = NewId(), StoreId = $"store-{Home}", Day = fixture.SeededReceiptDay }),
        [StoreServiceMethods.SyncOfflineRedemptions.FullName] = (client, _) => client.SyncOfflineRedemptionsAsync(new SyncOfflineRedemptionsRequest
        {
            RequestId = NewId(), StoreId = $"store-{Home}",
            Sales = { new OfflineSale { RequestId = NewId(), VolunteerId = "ana", Lines = { new OfflineLine { ItemId = "soap", Quantity = 1, UnitPricePoints = 5 } }, TotalPoints = 5,
                SoldAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(EarlierToday.By(TimeSpan.FromMinutes(1))) } },
        }),
        [FundServiceMethods.CreateFund.FullName] = (client, _) => client.CreateFundAsync(Fixture.Fund("f-" + NewId()[..12])),
        [FundServiceMethods.UpdateCommittee.FullName] = (client, _) => client.UpdateCommitteeAsync(new UpdateCommitteeRequest
            { RequestId = NewId(), FundId = $"fund-{Home}", CommitteeMembers = { "member-1", "member-2", "member-3" }, Quorum = 2 }),
        [FundServiceMethods.Donate.FullName] = (client, _) => client.DonateAsync(new DonateRequest
            { RequestId = NewId(), FundId = $"fund-{Home}", Donor = "Mrs. Wang", Amount = 100, PaymentReference = "BANK-" + NewId()[..8] }),
        [FundServiceMethods.CreatePledge.FullName] = (client, _) => client.CreatePledgeAsync(new CreatePledgeRequest
        {
            RequestId = NewId(), FundId = $"fund-{Home}", PledgeId = "pl-" + NewId()[..12], Donor = "Golden Grain Co.", Amount = 200_000, Period = PledgePeriod.Yearly,
            StartsAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }),
        [FundServiceMethods.ListPledges.FullName] = (client, _) => client.ListPledgesAsync(new ListPledgesRequest { FundId = $"fund-{Home}" }),
        [FundServiceMethods.ProposeAllocation.FullName] = (client, _) => client.ProposeAllocationAsync(new ProposeAllocationRequest
            { RequestId = NewId(), FundId = $"fund-{Home}", Recipient = "Riverside school", Amount = 1, Purpose = "education", Text = "Exercise books" }),
        [FundServiceMethods.Vote.FullName] = async (client, fixture) => await client.VoteAsync(new VoteRequest
            { RequestId = NewId(), FundId = $"fund-{Home}", ProposalId = await fixture.NewProposalAsync(), Approve = true }),
        [FundServiceMethods.PayOut.FullName] = async (client, fixture) => await client.PayOutAsync(new PayOutRequest
            { RequestId = NewId(), FundId = $"fund-{Home}", ProposalId = await fixture.NewApprovedAllocationAsync(), PaymentReference = "PAY-" + NewId()[..8] }),
        [FundServiceMethods.CancelAllocation.FullName] = async (client, fixture) => await client.CancelAllocationAsync(new CancelAllocationRequest
            { RequestId = NewId(), FundId = $"fund-{Home}", ProposalId = await fixture.NewApprovedAllocationAsync(), Reason = "The school found another donor" }),
        [FundServiceMethods.GetFund.FullName] = (client, _) => client.GetFundAsync(new GetFundRequest { FundId = $"fund-{Home}" }),
        [FundServiceMethods.ListProposals.FullName] = (client, _) => client.ListProposalsAsync(new ListProposalsRequest { FundId = $"fund-{Home}" }),
        [FundServiceMethods.GetFundStatement.FullName] = (client, _) => client.GetFundStatementAsync(new GetFundStatementRequest { FundId = $"fund-{Home}", PageSize = 10 }),
        [WishServiceMethods.PostWish.FullName] = (client, _) => client.PostWishAsync(Fixture.Wish("w-" + NewId()[..12])),
        [WishServiceMethods.GetWish.FullName] = (client, _) => client.GetWishAsync(new GetWishRequest { WishId = "home-wish" }),
        [WishServiceMethods.ClaimWish.FullName] = async (client, fixture) => await client.ClaimWishAsync(new ClaimWishRequest
            { RequestId = NewId(), WishId = await fixture.NewWishAsync(), VolunteerId = "ana" }),
        [WishServiceMethods.ReleaseWish.FullName] = async (client, fixture) => await client.ReleaseWishAsync(new ReleaseWishRequest
            { RequestId = NewId(), WishId = await fixture.NewWishAsync(claimedByAna: true), VolunteerId = "ana" }),
        [WishServiceMethods.WithdrawWish.FullName] = async (client, fixture) => await client.WithdrawWishAsync(new WithdrawWishRequest
            { RequestId = NewId(), WishId = await fixture.NewWishAsync() }),
        [WishServiceMethods.ConfirmWishFulfilled.FullName] = async (client, fixture) => await client.ConfirmWishFulfilledAsync(new ConfirmWishFulfilledRequest
            { RequestId = NewId(), WishId = await fixture.NewWishAsync(claimedByAna: true) }),
        [VolunteerServiceMethods.ReverseTransfer.FullName] = async (client, fixture) => await client.ReverseTransferAsync(new ReverseTransferRequest
            { RequestId = NewId(), VolunteerId = "ana", TransferId = await fixture.NewDepositAsync() }),

        [VolunteerServiceMethods.GetStatement.FullName] = (client, _) => client.GetStatementAsync(new GetStatementRequest { VolunteerId = "ana", PageSize = 10 }),
        [VolunteerServiceMethods.ExportStatement.FullName] = async (client, _) =>
        {
            await foreach (var chunk in client.ExportStatementAsync(new ExportStatementRequest { VolunteerId = "ana" }))
            {
            }
        },
    };

    /// <summary>
    /// RPCs a committee member makes as itself: an admin key passes the gate (admin always does) but names no
    /// member, so the fund answers that it is none.
    /// </summary>
    private static readonly HashSet<string> MemberOnly = [FundServiceMethods.ProposeAllocation.FullName, FundServiceMethods.Vote.FullName];

    [Fact]
    public async Task Every_rpc_answers_every_role_in_and_out_of_scope_as_the_policy_table_says()
    {
        await using var running = await RunningServer.StartAsync();
        var fixture = new Fixture(running.Client, running);
        await fixture.SeedAsync();

        var guarded = ApiPolicy.All.Where(p => !p.Public).ToList();
        Assert.All(guarded, p => Assert.True(Samples.ContainsKey(p.Method.FullName), $"{p} has no sample call in this test"));

        var failures = new List<string>();
        foreach (var role in Enum.GetValues<Role>())
        {
            foreach (var inScope in new[] { true, false })
            {
                var key = await fixture.KeyAsync(role, inScope ? ScopeOf(role, Home) : ScopeOf(role, Elsewhere));
                using var client = running.ClientWith(key);
                foreach (var policy in guarded)
                {
                    var expected = !policy.Roles.Contains(role) ? ErrorReasons.RoleNotAllowed
                        : role == Role.Admin && MemberOnly.Contains(policy.Method.FullName) ? ErrorReasons.NotACommitteeMember
                        : inScope || role == Role.Admin ? null
                        : ErrorReasons.OutOfScope;
                    var outcome = await OutcomeAsync(() => Samples[policy.Method.FullName](client, fixture));
                    if (outcome != expected?.Code)
                    {
                        failures.Add($"{policy.Method.FullName} as {RoleNames.Of(role)} {(inScope ? "in" : "out of")} scope: expected {expected?.Code ?? "OK"}, got {outcome ?? "OK"}");
                    }
                }
            }
        }

        // A city-wide auditor reads everywhere it may read at all.
        using (var cityAuditor = running.ClientWith(await fixture.KeyAsync(Role.Auditor, "*")))
        {
            Assert.Null(await OutcomeAsync(() => Samples[VolunteerServiceMethods.GetBalance.FullName](cityAuditor, fixture)));
            Assert.Null(await OutcomeAsync(() => Samples[VolunteerServiceMethods.GetStatement.FullName](cityAuditor, fixture)));
            Assert.Null(await OutcomeAsync(() => Samples[VolunteerServiceMethods.ExportStatement.FullName](cityAuditor, fixture)));
            Assert.Null(await OutcomeAsync(() => cityAuditor.GetTotalsAsync(new GetTotalsRequest())));
            Assert.Null(await OutcomeAsync(() => cityAuditor.GetLeaderboardAsync(new GetLeaderboardRequest { Period = LeaderboardPeriod.ThisYear })));
        }

        // Every community at once (an empty community_id) only for keys that reach everything.
        foreach (var role in new[] { Role.CommunityAdmin, Role.Auditor })
        {
            using var scoped = running.ClientWith(await fixture.KeyAsync(role, Home));
            Assert.Equal(ErrorReasons.OutOfScope.Code, await OutcomeAsync(() => scoped.GetTotalsAsync(new GetTotalsRequest())));
            Assert.Equal(ErrorReasons.OutOfScope.Code, await OutcomeAsync(() => scoped.GetLeaderboardAsync(new GetLeaderboardRequest { Period = LeaderboardPeriod.AllTime })));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Without_a_key_or_with_a_revoked_one_every_guarded_rpc_is_unauthenticated_and_health_needs_none()
    {
        await using var running = await RunningServer.StartAsync();
        var fixture = new Fixture(running.Client, running);
        await fixture.SeedAsync();
        var revoked = await fixture.KeyAsync(Role.CommunityAdmin, Home);
        using var revokedClient = running.ClientWith(revoked);
        Assert.Null(await OutcomeAsync(() => revokedClient.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ana" })));
        await running.Client.RevokeKeyAsync(new RevokeKeyRequest { RequestId = NewId(), KeyId = revoked[4..20] });
        using var anonymous = running.ClientWith(null);

        foreach (var policy in ApiPolicy.All.Where(p => !p.Public))
        {
            Assert.Equal(ErrorReasons.KeyMissing.Code, await OutcomeAsync(() => Samples[policy.Method.FullName](anonymous, fixture)));
            Assert.Equal(ErrorReasons.KeyRevoked.Code, await OutcomeAsync(() => Samples[policy.Method.FullName](revokedClient, fixture)));
        }

        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, (await anonymous.CheckHealthAsync()).Status);
    }

    public static readonly TheoryData<string, string> BadKeys = new()
    {
        { "", "KEY_MALFORMED" },                                   // "Bearer " with nothing after it
        { "tbk_not-a-key", "KEY_MALFORMED" },                       // the wrong shape
        { new string('k', 10 * 1024), "KEY_MALFORMED" },            // a 10 KB header
        { ApiKeyToken.Generate().Reveal(), "KEY_UNKNOWN" },         // well formed, never issued
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task A_bad_key_over_the_wire_is_unauthenticated_with_its_reason_and_a_short_answer(string key, string reason)
    {
        await using var running = await RunningServer.StartAsync();
        using var client = running.ClientWith(key);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ana" }));

        Assert.Equal((StatusCode.Unauthenticated, reason), (error.StatusCode, error.Reason));
        Assert.True(error.Detail.Length < 200, error.Detail);
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, (await running.Client.CheckHealthAsync()).Status);
    }

    [Fact]
    public async Task The_table_says_what_the_issue_asks_of_the_roles()
    {
        // Spot checks of intent, so a wrong entry in the table cannot pass the matrix by being consistently wrong.
        Assert.False(Policy(VolunteerServiceMethods.DepositHours).Roles.Contains(Role.App), "VolunteerServiceMethods.DepositHours admits App");
        Assert.False(Policy(VolunteerServiceMethods.DepositHours).Roles.Contains(Role.Auditor), "VolunteerServiceMethods.DepositHours admits Auditor");
        Assert.False(Policy(VolunteerServiceMethods.RegisterVolunteer).Roles.Contains(Role.Auditor), "VolunteerServiceMethods.RegisterVolunteer admits Auditor");
        Assert.True(Policy(VolunteerServiceMethods.RegisterVolunteer).Roles.Contains(Role.App), "VolunteerServiceMethods.RegisterVolunteer refuses App");
        Assert.True(Policy(VolunteerServiceMethods.GetBalance).Roles.Contains(Role.Auditor), "VolunteerServiceMethods.GetBalance refuses Auditor");
        Assert.Equal([Role.Admin], Policy(CommunityServiceMethods.CreateCommunity).Roles);
        foreach (var statement in new IMethod[] { VolunteerServiceMethods.GetStatement, VolunteerServiceMethods.ExportStatement })
        {
            Assert.Equal([Role.Admin, Role.CommunityAdmin, Role.App, Role.Auditor], Policy(statement).Roles.Order());
        }

        Assert.Equal([Role.Admin, Role.CommunityAdmin], Policy(CommunityServiceMethods.UpdatePolicy).Roles.Order());
        foreach (var totals in new IMethod[] { CommunityServiceMethods.GetTotals, CommunityServiceMethods.ExportReport })
        {
            Assert.Equal([Role.Admin, Role.CommunityAdmin, Role.Auditor], Policy(totals).Roles.Order());
        }

        Assert.Equal([Role.Admin, Role.CommunityAdmin, Role.App, Role.Auditor], Policy(CommunityServiceMethods.GetLeaderboard).Roles.Order());
        Assert.True(Policy(CommunityServiceMethods.GetCommunity).Roles.Contains(Role.Auditor), "GetCommunity refuses Auditor");
        Assert.All(ApiPolicy.All.Where(p => p.Mutates), p => Assert.False(p.Roles.Contains(Role.Auditor), $"{p} lets an auditor write")); // auditors only read
        Assert.All(ApiPolicy.All.Where(p => p.Method.ServiceName == "timebank.v1.AdminService"),
            p => Assert.Equal([Role.Admin, Role.CommunityAdmin], p.Roles.Order()));
        await Task.CompletedTask;
    }

    private static RpcPolicy Policy(IMethod method) => ApiPolicy.All.Single(p => p.Method.FullName == method.FullName);

    private static string ScopeOf(Role role, string community) => role switch
    {
        Role.Admin => "",
        Role.Terminal => $"store-{community}",
        Role.CommitteeMember => $"fund-{community}",
        Role.CommunityAdmin or Role.Organizer or Role.App or Role.Auditor => community,
    };

    /// <summary>Null for success, else the reason; PERMISSION_DENIED and UNAUTHENTICATED must carry one.</summary>
    private static async Task<string?> OutcomeAsync(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (RpcException e)
        {
            return e.Reason ?? $"{e.StatusCode} without a reason";
        }
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    private sealed class Fixture(TimeBankClient admin, RunningServer running)
    {
        /// <summary>Ana at home with hours to give and points to hold in every allowed sample call; Ben elsewhere to receive.</summary>
        public async Task SeedAsync()
        {
            await admin.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = NewId(), VolunteerId = "ana", DisplayName = "Ana", CommunityId = Home });
            await admin.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = NewId(), VolunteerId = "ben", DisplayName = "Ben", CommunityId = Elsewhere });
            await admin.PublishActivityAsync(Activity("home-activity"));
            await admin.PostWishAsync(Wish("home-wish"));
            await admin.OpenStoreAsync(new OpenStoreRequest { RequestId = NewId(), StoreId = $"store-{Home}", CommunityId = Home, Name = "Home store" });
            await admin.UpsertItemAsync(new UpsertItemRequest { RequestId = NewId(), StoreId = $"store-{Home}", ItemId = "soap", Name = "Soap", PricePoints = 5, Active = true });
            await admin.RestockAsync(new RestockRequest { RequestId = NewId(), StoreId = $"store-{Home}", ItemId = "soap", Quantity = 10_000, Source = StockSource.Donated, Donor = "Golden Grain Co." });

            // One that starts in a moment, with Ana on it, for ConfirmAttendance (which waits for the start).
            var soon = Activity("started-activity");
            soon.SignUpDeadline = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(_startedAt.AddSeconds(-1));
            soon.StartsAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(_startedAt);
            soon.EndsAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(_startedAt.AddHours(1));
            await admin.PublishActivityAsync(soon);
            await admin.SignUpAsync(new SignUpRequest { RequestId = NewId(), ActivityId = "started-activity", VolunteerId = "ana" });
            for (var day = 0; day < 5; day++)
            {
                await admin.DepositHoursAsync(new DepositHoursRequest { RequestId = NewId(), VolunteerId = "ana", ActivityId = "setup", Minutes = 1440 });
            }

            await admin.CreateFundAsync(Fund($"fund-{Home}"));
            await admin.DonateAsync(new DonateRequest { RequestId = NewId(), FundId = $"fund-{Home}", Amount = 1_000_000, PaymentReference = "BANK-SEED" });
            _members = running.ClientWith(await KeyAsync(Role.CommitteeMember, $"fund-{Home}", "member-2"));
            _secondApprover = running.ClientWith(await KeyAsync(Role.CommitteeMember, $"fund-{Home}", "member-3"));

            var seeded = (await admin.GetReceiptAsync(new GetReceiptRequest { StoreId = $"store-{Home}", ReceiptId = await NewReceiptAsync() }));
            (SeededReceiptId, SeededReceiptDay) = (seeded.ReceiptId, seeded.Day);
        }

        public string SeededReceiptId { get; private set; } = "";

        public string SeededReceiptDay { get; private set; } = "";

        /// <summary>A sale of one soap to Ana, for a refund to take back.</summary>
        public async Task<string> NewReceiptAsync()
            => (await admin.RedeemAsync(new RedeemRequest
                { RequestId = NewId(), StoreId = $"store-{Home}", VolunteerId = "ana", Lines = { new BasketLine { ItemId = "soap", Quantity = 1 } }, TotalPoints = 5 })).Receipt.ReceiptId;

        public async Task<string> KeyAsync(Role role, string scope, string member = "member-1")
        {
            var created = await admin.CreateKeyAsync(new CreateKeyRequest
            {
                RequestId = NewId(), Role = RoleNames.Of(role), Scope = scope, DisplayName = $"{role} of {scope}",
                Member = role == Role.CommitteeMember ? member : "",
            });
            return created.Secret;
        }

        private TimeBankClient? _members;
        private TimeBankClient? _secondApprover;
        private TimeBankClient? _firstApprover;

        public static CreateFundRequest Fund(string id) => new()
        {
            RequestId = NewId(), FundId = id, CommunityId = Home, Kind = FundKind.Community, Name = "Riverside community fund",
            Purposes = { "education", "elder-care" }, CommitteeMembers = { "member-1", "member-2", "member-3" }, Quorum = 2,
        };

        /// <summary>An open proposal by member-2, for member-1 to vote on.</summary>
        public async Task<string> NewProposalAsync()
            => (await _members!.ProposeAllocationAsync(new ProposeAllocationRequest
                { RequestId = NewId(), FundId = $"fund-{Home}", Recipient = "Riverside school", Amount = 1, Purpose = "education", Text = "Exercise books" })).ProposalId;

        /// <summary>A proposal by member-2 that member-3 and member-1 approved (the quorum): money reserved, to pay out or cancel.</summary>
        public async Task<string> NewApprovedAllocationAsync()
        {
            var id = await NewProposalAsync();
            var approved = await _secondApprover!.VoteAsync(new VoteRequest { RequestId = NewId(), FundId = $"fund-{Home}", ProposalId = id, Approve = true });
            _firstApprover ??= running.ClientWith(await KeyAsync(Role.CommitteeMember, $"fund-{Home}", "member-1"));
            approved = await _firstApprover.VoteAsync(new VoteRequest { RequestId = NewId(), FundId = $"fund-{Home}", ProposalId = id, Approve = true });
            return approved.Status == ProposalStatus.Approved ? id : throw new InvalidOperationException($"Proposal {id} is {approved.Status}.");
        }

        private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow.AddSeconds(3);

        public async Task UntilStartedAsync()
        {
            var wait = _startedAt - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait + TimeSpan.FromMilliseconds(50));
            }
        }

        public static PublishActivityRequest Activity(string id) => new()
        {
            RequestId = NewId(), ActivityId = id, CommunityId = Home, Category = "elder-care", Title = "Tea with elders", MinutesPerVolunteer = 90, Capacity = 1_000,
            StartsAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(30)), EndsAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(30).AddHours(2)),
            SignUpDeadline = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(29)),
        };

        public static PostWishRequest Wish(string id) => new()
            { RequestId = NewId(), WishId = id, CommunityId = Home, ForWhom = "Mrs. Li, 3rd floor", What = "A ride to the clinic", Minutes = 60, Category = "elder-care" };

        public async Task<string> NewWishAsync(bool claimedByAna = false)
        {
            var id = (await admin.PostWishAsync(Wish("w-" + NewId()[..12]))).Wish.WishId;
            if (claimedByAna)
            {
                await admin.ClaimWishAsync(new ClaimWishRequest { RequestId = NewId(), WishId = id, VolunteerId = "ana" });
            }

            return id;
        }

        public async Task<string> NewActivityAsync()
            => (await admin.PublishActivityAsync(Activity("a-" + NewId()[..12]))).Activity.ActivityId;

        public async Task<string> NewSignedUpVolunteerAsync()
        {
            var id = "v-" + NewId()[..12];
            await admin.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = NewId(), VolunteerId = id, DisplayName = "Volunteer", CommunityId = Home });
            await admin.SignUpAsync(new SignUpRequest { RequestId = NewId(), ActivityId = "home-activity", VolunteerId = id });
            return id;
        }

        public async Task<string> NewDepositAsync()
            => (await admin.DepositHoursAsync(new DepositHoursRequest { RequestId = NewId(), VolunteerId = "ana", ActivityId = "to-reverse", Minutes = 5 })).HoursTransferId;

        public async Task<string> NewHoldAsync()
            => (await admin.HoldPointsAsync(new HoldPointsRequest { RequestId = NewId(), VolunteerId = "ana", Points = 1 })).HoldId;

        public async Task<string> NewAppKeyIdAsync()
            => (await admin.CreateKeyAsync(new CreateKeyRequest { RequestId = NewId(), Role = "app", Scope = Home, DisplayName = "To revoke" })).Key.KeyId;
    }
}
