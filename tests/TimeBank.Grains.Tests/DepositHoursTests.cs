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

        var result = await ana.DepositHoursAsync(new DepositHours("req-1", "park-cleanup", 90));

        Assert.Equal(DepositHoursStatus.Deposited, result.Status);
        Assert.Equal(new DepositReceipt("req-1", 90, 15, result.Receipt!.RecordedAt), result.Receipt);
        Assert.Equal(new VolunteerBalance("ana", 90, 15), (await ana.GetBalanceAsync()).Balance);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_retry_returns_the_first_receipt_and_credits_nothing_again_even_after_a_restart(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");
        var first = await ana.DepositHoursAsync(new DepositHours("req-1", "park-cleanup", 90));

        var retry = await ana.DepositHoursAsync(new DepositHours("req-1", "park-cleanup", 90));
        Assert.Equal(DepositHoursStatus.AlreadyDeposited, retry.Status);
        Assert.Equal(first.Receipt, retry.Receipt);

        await test.Host.CollectIdleActivationsAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
        Assert.Equal(first.Receipt, (await ana.DepositHoursAsync(new DepositHours("req-1", "park-cleanup", 90))).Receipt);

        await test.RestartAsync();
        var anaAgain = test.Host.GetGrain<IVolunteerGrain>("ana");
        var afterRestart = await anaAgain.DepositHoursAsync(new DepositHours("req-1", "park-cleanup", 90));
        Assert.Equal(DepositHoursStatus.AlreadyDeposited, afterRestart.Status);
        Assert.Equal(first.Receipt, afterRestart.Receipt);
        Assert.Equal(new VolunteerBalance("ana", 90, 15), (await anaAgain.GetBalanceAsync()).Balance);
    }

    public static readonly TheoryData<string, string, long> OtherContent = GrainTestHost.OnEveryProvider(("park-cleanup", 60L), ("library", 90L));

    [Theory]
    [MemberData(nameof(OtherContent))]
    public async Task The_same_request_id_with_other_content_is_refused(string provider, string activity, long minutes)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");
        await ana.DepositHoursAsync(new DepositHours("req-1", "park-cleanup", 90));

        var reused = await ana.DepositHoursAsync(new DepositHours("req-1", activity, minutes));

        Assert.Equal(DepositHoursStatus.RequestIdReused, reused.Status);
        Assert.Null(reused.Receipt);
        Assert.Equal(new VolunteerBalance("ana", 90, 15), (await ana.GetBalanceAsync()).Balance);
    }

    public static readonly TheoryData<string, string, string, long, DepositHoursStatus> BadDeposits = GrainTestHost.OnEveryProvider(
        ("", "act", 60L, DepositHoursStatus.InvalidRequestId),
        ("has space", "act", 60L, DepositHoursStatus.InvalidRequestId),
        ("r", "", 60L, DepositHoursStatus.InvalidActivityId),
        ("r", "bad activity", 60L, DepositHoursStatus.InvalidActivityId),
        ("r", "act", 0L, DepositHoursStatus.MinutesNotPositive),
        ("r", "act", -30L, DepositHoursStatus.MinutesNotPositive),
        ("r", "act", long.MinValue, DepositHoursStatus.MinutesNotPositive),
        ("r", "act", 1441L, DepositHoursStatus.MinutesTooLarge),
        ("r", "act", long.MaxValue, DepositHoursStatus.MinutesTooLarge));

    [Theory]
    [MemberData(nameof(BadDeposits))]
    public async Task Bad_deposits_are_refused_with_their_reason_and_change_nothing(string provider, string requestId, string activity, long minutes, DepositHoursStatus expected)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");

        var result = await ana.DepositHoursAsync(new DepositHours(requestId, activity, minutes));

        Assert.Equal(expected, result.Status);
        Assert.Equal(new VolunteerBalance("ana", 0, 0), (await ana.GetBalanceAsync()).Balance);
        Assert.Empty(await test.Storage.ReadJournalAsync("volunteer/ana", 0, 10, TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_request_id_of_129_characters_is_refused_and_128_accepted(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");
        Assert.Equal(DepositHoursStatus.InvalidRequestId, (await ana.DepositHoursAsync(new DepositHours(new string('r', 129), "act", 10))).Status);
        Assert.Equal(DepositHoursStatus.Deposited, (await ana.DepositHoursAsync(new DepositHours(new string('r', 128), "act", 10))).Status);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_deposit_for_an_unregistered_volunteer_is_refused(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var result = await test.Host.GetGrain<IVolunteerGrain>("nobody").DepositHoursAsync(new DepositHours("r", "act", 60));

        Assert.Equal(DepositHoursStatus.VolunteerNotFound, result.Status);
        Assert.Null(await test.Storage.ReadStateAsync("volunteer/nobody", TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_deposit_earning_no_whole_point_writes_only_the_hours_leg(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");

        var result = await ana.DepositHoursAsync(new DepositHours("r", "act", 5)); // 5 min at 10/h = 0.83 points

        Assert.Equal(0, result.Receipt!.PointsAwarded);
        Assert.Equal([0], (await test.Storage.ReadJournalAsync("volunteer/ana", 0, 10, TestContext.Current.CancellationToken)).Select(e => e.Leg));
        Assert.Equal(result.Receipt, (await ana.DepositHoursAsync(new DepositHours("r", "act", 5))).Receipt);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_hundred_concurrent_retries_of_one_request_credit_it_exactly_once(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ =>
            Task.Run(() => test.Host.GetGrain<IVolunteerGrain>("ana").DepositHoursAsync(new DepositHours("same", "act", 60)), TestContext.Current.CancellationToken)));

        Assert.Single(results, r => r.Status == DepositHoursStatus.Deposited);
        Assert.Equal(99, results.Count(r => r.Status == DepositHoursStatus.AlreadyDeposited));
        Assert.Single(results.Select(r => r.Receipt).Distinct());
        Assert.Equal(new VolunteerBalance("ana", 60, 10), (await ana.GetBalanceAsync()).Balance);
    }

    private static async Task<IVolunteerGrain> RegisteredAsync(GrainTestHost test, string id)
    {
        var grain = test.Host.GetGrain<IVolunteerGrain>(id);
        Assert.Equal(RegisterVolunteerStatus.Registered, (await grain.RegisterAsync(new RegisterVolunteer(id, "riverside"))).Status);
        return grain;
    }
}
