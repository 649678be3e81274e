using TimeBank.Contracts.V1;
using TimeBank.Grains.Volunteers;

namespace TimeBank.Grains.Tests;

public sealed class DepositHoursTests
{
    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_deposit_credits_minutes_and_points_at_the_configured_rate(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");

        var result = await ana.DepositHoursAsync(new DepositHours(TestRequests.Key("req-1"), "park-cleanup", 90));

        Assert.True(result.Succeeded);
        Assert.Equal(new DepositReceipt("req-1", 90, 15, result.Value.RecordedAt, new VolunteerBalances(90, 90, 15, 15), "volunteer/ana#1", "volunteer/ana#2"), result.Value);
        Assert.Equal(new VolunteerBalance("ana", 90, 15, 90, 15), (await ana.GetBalanceAsync()).Value);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_retry_returns_the_first_receipt_and_credits_nothing_again_even_after_a_restart(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");
        var first = await ana.DepositHoursAsync(new DepositHours(TestRequests.Key("req-1"), "park-cleanup", 90));

        var retry = await ana.DepositHoursAsync(new DepositHours(TestRequests.Key("req-1"), "park-cleanup", 90));
        Assert.True(retry.Succeeded);
        Assert.Equal(first.Value, retry.Value);
        Assert.Equal(2, (await test.Storage.ReadJournalAsync("volunteer/ana", 0, 10, TestContext.Current.CancellationToken)).Count);

        await test.Host.CollectIdleActivationsAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
        Assert.Equal(first.Value, (await ana.DepositHoursAsync(new DepositHours(TestRequests.Key("req-1"), "park-cleanup", 90))).Value);

        await test.RestartAsync();
        var anaAgain = test.Host.GetGrain<IVolunteerGrain>("ana");
        var afterRestart = await anaAgain.DepositHoursAsync(new DepositHours(TestRequests.Key("req-1"), "park-cleanup", 90));
        Assert.Equal(first.Value, afterRestart.Value);
        Assert.Equal(new VolunteerBalance("ana", 90, 15, 90, 15), (await anaAgain.GetBalanceAsync()).Value);
    }

    public static readonly TheoryData<string, string, long> OtherContent = GrainTestHost.OnEveryProvider(("park-cleanup", 60L), ("library", 90L));

    [Theory]
    [MemberData(nameof(OtherContent))]
    public async Task The_same_request_id_with_other_content_is_refused(string provider, string activity, long minutes)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");
        await ana.DepositHoursAsync(new DepositHours(TestRequests.Key("req-1"), "park-cleanup", 90));

        var reused = await ana.DepositHoursAsync(new DepositHours(TestRequests.Key("req-1"), activity, minutes));

        Assert.Equal(ErrorReasons.RequestIdReused, reused.Reason());
        Assert.Null(reused.Value);
        Assert.Equal(new VolunteerBalance("ana", 90, 15, 90, 15), (await ana.GetBalanceAsync()).Value);
    }

    public static readonly TheoryData<string, string, string, long, string> BadDeposits = GrainTestHost.OnEveryProvider(
        ("", "act", 60L, ErrorReasons.InvalidRequestId.Code),
        ("has space", "act", 60L, ErrorReasons.InvalidRequestId.Code),
        ("r", "", 60L, ErrorReasons.InvalidActivityId.Code),
        ("r", "bad activity", 60L, ErrorReasons.InvalidActivityId.Code),
        ("r", "act", 0L, ErrorReasons.MinutesNotPositive.Code),
        ("r", "act", -30L, ErrorReasons.MinutesNotPositive.Code),
        ("r", "act", long.MinValue, ErrorReasons.MinutesNotPositive.Code),
        ("r", "act", 1441L, ErrorReasons.MinutesTooLarge.Code),
        ("r", "act", long.MaxValue, ErrorReasons.MinutesTooLarge.Code));

    [Theory]
    [MemberData(nameof(BadDeposits))]
    public async Task Bad_deposits_are_refused_with_their_reason_and_change_nothing(string provider, string requestId, string activity, long minutes, string expected)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");

        var result = await ana.DepositHoursAsync(new DepositHours(TestRequests.Key(requestId), activity, minutes));

        Assert.Equal(expected, result.Reason()?.Code);
        Assert.Equal(new VolunteerBalance("ana", 0, 0, 0, 0), (await ana.GetBalanceAsync()).Value);
        Assert.Empty(await test.Storage.ReadJournalAsync("volunteer/ana", 0, 10, TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_request_id_of_129_characters_is_refused_and_128_accepted(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");
        Assert.Equal(ErrorReasons.InvalidRequestId, (await ana.DepositHoursAsync(new DepositHours(TestRequests.Key(new string('r', 129)), "act", 10))).Reason());
        Assert.True((await ana.DepositHoursAsync(new DepositHours(TestRequests.Key(new string('r', 128)), "act", 10))).Succeeded);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_deposit_for_an_unregistered_volunteer_is_refused(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var result = await test.Host.GetGrain<IVolunteerGrain>("nobody").DepositHoursAsync(new DepositHours(TestRequests.Key("r"), "act", 60));

        Assert.Equal(ErrorReasons.VolunteerNotFound, result.Reason());
        Assert.Null(await test.Storage.ReadStateAsync("volunteer/nobody", TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_deposit_earning_no_whole_point_writes_only_the_hours_leg(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");

        var result = await ana.DepositHoursAsync(new DepositHours(TestRequests.Key("r"), "act", 5)); // 5 min at 10/h = 0.83 points

        Assert.Equal(0, result.Value!.PointsAwarded);
        Assert.Equal([0], (await test.Storage.ReadJournalAsync("volunteer/ana", 0, 10, TestContext.Current.CancellationToken)).Select(e => e.Leg));
        Assert.Equal(result.Value, (await ana.DepositHoursAsync(new DepositHours(TestRequests.Key("r"), "act", 5))).Value);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_hundred_concurrent_retries_of_one_request_credit_it_exactly_once(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ =>
            Task.Run(() => test.Host.GetGrain<IVolunteerGrain>("ana").DepositHoursAsync(new DepositHours(TestRequests.Key("same"), "act", 60)), TestContext.Current.CancellationToken)));

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Single(results.Select(r => r.Value).Distinct());
        Assert.Equal(2, (await test.Storage.ReadJournalAsync("volunteer/ana", 0, 10, TestContext.Current.CancellationToken)).Count);
        Assert.Equal(new VolunteerBalance("ana", 60, 10, 60, 10), (await ana.GetBalanceAsync()).Value);
    }

    private static async Task<IVolunteerGrain> RegisteredAsync(GrainTestHost test, string id)
    {
        var grain = test.Host.GetGrain<IVolunteerGrain>(id);
        Assert.True((await grain.RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), id, "riverside"))).Succeeded);
        return grain;
    }
}
