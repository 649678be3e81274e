using TimeBank.Contracts.V1;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Volunteers;
using PolicySettings = TimeBank.Grains.Communities.PolicySettings;

namespace TimeBank.Grains.Tests;

public sealed class CommunityTests
{
    private static PolicySettings Policy(long pointsPerHour = 10, string[]? categories = null, long maxMinutes = 1440, long creditLimit = 0, TimeSpan? holdExpiry = null)
        => new(pointsPerHour, categories ?? [], maxMinutes, creditLimit, holdExpiry ?? TimeSpan.FromMinutes(15));

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_community_is_created_once_with_the_default_policy_and_its_retry_gets_the_first_answer(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider, pointsPerHour: 12);
        var grain = test.Host.GetGrain<ICommunityGrain>("north");
        var create = new CreateCommunity(TestRequests.Key("create-north"), "North Street", Policy: null);

        var created = (await grain.CreateCommunityAsync(create)).Value!;
        Assert.True(created.Created);
        Assert.Equal(12, created.Community.Policy.PointsPerHour);
        Assert.Equal(CommunityPolicies.DefaultCategories, created.Community.AllCategories);
        Assert.Equal((1440L, 0L, TimeSpan.FromMinutes(15), 1L), (created.Community.Policy.MaxMinutesPerDeposit, created.Community.Policy.HoursCreditLimitMinutes, created.Community.Policy.HoldExpiry, created.Community.PolicyVersion));

        await test.RestartAsync();
        grain = test.Host.GetGrain<ICommunityGrain>("north");
        Assert.True((await grain.CreateCommunityAsync(create)).Value!.Created); // the retry: the first answer
        Assert.False((await grain.CreateCommunityAsync(create with { Request = TestRequests.NewKey() })).Value!.Created);
        Assert.Equal(ErrorReasons.CommunityIdTaken, (await grain.CreateCommunityAsync(new CreateCommunity(TestRequests.NewKey(), "Other", null))).Reason());
        Assert.Equal("North Street", (await grain.GetCommunityAsync()).Value!.DisplayName);
        Assert.Equal(ErrorReasons.CommunityNotFound, (await test.Host.GetGrain<ICommunityGrain>("nowhere").GetCommunityAsync()).Reason());
        Assert.False((await test.Host.GetGrain<ICommunityGrain>("nowhere").GetOwnerAsync()).Exists);
    }

    public static readonly TheoryData<string, PolicySettings, string> BadPolicies = GrainTestHost.OnEveryProvider<PolicySettings, string>(
        (Policy(pointsPerHour: -1), "POINTS_PER_HOUR_OUT_OF_RANGE"),
        (Policy(pointsPerHour: 10_001), "POINTS_PER_HOUR_OUT_OF_RANGE"),
        (Policy(categories: ["Elder Care"]), "INVALID_CATEGORY"),
        (Policy(categories: [""]), "INVALID_CATEGORY"),
        (Policy(categories: [new string('a', 65)]), "INVALID_CATEGORY"),
        (Policy(categories: ["sports", "sports"]), "INVALID_CATEGORY"),
        (Policy(categories: ["youth"]), "INVALID_CATEGORY"),
        (Policy(categories: Enumerable.Range(0, 51).Select(i => $"c{i}").ToArray()), "TOO_MANY_CATEGORIES"),
        (Policy(maxMinutes: 0), "MAX_MINUTES_OUT_OF_RANGE"),
        (Policy(maxMinutes: 1441), "MAX_MINUTES_OUT_OF_RANGE"),
        (Policy(creditLimit: -1), "CREDIT_LIMIT_OUT_OF_RANGE"),
        (Policy(creditLimit: 43_201), "CREDIT_LIMIT_OUT_OF_RANGE"),
        (Policy(holdExpiry: TimeSpan.FromSeconds(59)), "HOLD_EXPIRY_OUT_OF_RANGE"),
        (Policy(holdExpiry: TimeSpan.FromDays(31)), "HOLD_EXPIRY_OUT_OF_RANGE"));

    [Theory]
    [MemberData(nameof(BadPolicies))]
    public async Task A_bad_policy_is_refused_with_its_reason_on_create_and_on_update_and_changes_nothing(string provider, PolicySettings policy, string reason)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        Assert.Equal(reason, (await test.Host.GetGrain<ICommunityGrain>("north").CreateCommunityAsync(new CreateCommunity(TestRequests.NewKey(), "North", policy))).Reason()?.Code);
        Assert.Null(await test.Storage.ReadStateAsync("community/north", TestContext.Current.CancellationToken));

        var riverside = test.Host.GetGrain<ICommunityGrain>("riverside");
        Assert.Equal(reason, (await riverside.UpdatePolicyAsync(new UpdatePolicy(TestRequests.NewKey(), policy))).Reason()?.Code);
        Assert.Equal(1, (await riverside.GetCommunityAsync()).Value!.PolicyVersion);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_policy_change_applies_from_then_on_and_each_row_keeps_the_version_it_used(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var riverside = test.Host.GetGrain<ICommunityGrain>("riverside");
        var ana = test.Host.GetGrain<IVolunteerGrain>("ana");
        await ana.RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), "Ana", "riverside"));
        var before = new DepositHours(TestRequests.Key("before"), "act", 180);
        Assert.Equal(30, (await ana.DepositHoursAsync(before)).Value!.PointsAwarded);

        var changed = (await riverside.UpdatePolicyAsync(new UpdatePolicy(TestRequests.NewKey(), Policy(pointsPerHour: 30, categories: ["sports"], maxMinutes: 120)))).Value!;
        Assert.Equal(2, changed.PolicyVersion);
        Assert.Equal([.. CommunityPolicies.DefaultCategories, "sports"], changed.AllCategories);
        Assert.Equal(2, (await riverside.UpdatePolicyAsync(new UpdatePolicy(TestRequests.NewKey(), Policy(pointsPerHour: 30, categories: ["sports"], maxMinutes: 120)))).Value!.PolicyVersion); // the same: no new version

        Assert.Equal(30, (await ana.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "act", 60, "sports"))).Value!.PointsAwarded);
        // A retry of the earlier deposit gets its first answer, though the policy now caps a deposit at 120 minutes.
        Assert.Equal(30, (await ana.DepositHoursAsync(before)).Value!.PointsAwarded);
        Assert.Equal(ErrorReasons.MinutesTooLarge, (await ana.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "act", 121))).Reason());
        Assert.Equal(ErrorReasons.UnknownCategory, (await ana.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "act", 30, "chess"))).Reason());
        Assert.Equal(60, (await ana.GetBalanceAsync()).Value!.Points);

        var rows = await test.Storage.ReadJournalAsync("volunteer/ana", 0, 10, TestContext.Current.CancellationToken);
        Assert.Equal([1L, 1L, 2L, 2L], rows.Select(r => r.PolicyVersion));
        Assert.Equal(["", "", "sports", "sports"], rows.Select(r => r.Category));
        Assert.All(rows, r => Assert.Equal(TestRequests.CallerKeyId, r.ActorKeyId));
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Volunteers_register_only_into_a_community_that_exists(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var result = await test.Host.GetGrain<IVolunteerGrain>("ana").RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), "Ana", "atlantis"));
        Assert.Equal(ErrorReasons.CommunityNotFound, result.Reason());
        Assert.Null(await test.Storage.ReadStateAsync("volunteer/ana", TestContext.Current.CancellationToken));
    }
}
