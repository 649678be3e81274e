using TimeBank.Contracts.V1;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Volunteers;
using TimeBank.Testing;
using TransferCode = TimeBank.Ledger.TransferCode;

namespace TimeBank.Grains.Tests;

public sealed class HoldTests
{
    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_hold_takes_points_out_of_what_is_available_until_posted_in_part_and_the_rest_returns(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await TransferHoursTests.VolunteerAsync(test, "ana", "riverside", minutes: 600); // 100 points

        var hold = await ana.HoldPointsAsync(new HoldPoints(TestRequests.Key("h-1"), 40, "basket-1", "rice"));
        Assert.True(hold.Succeeded, hold.ToString());
        Assert.Equal(new VolunteerBalances(600, 600, 100, 60), hold.Value.Balances);
        Assert.Equal(new VolunteerBalance("ana", 600, 100, 600, 60), (await ana.GetBalanceAsync()).Value);
        Assert.Equal(ErrorReasons.InsufficientPoints, (await ana.HoldPointsAsync(new HoldPoints(TestRequests.NewKey(), 61))).Reason());

        var posted = await ana.PostHoldAsync(new PostHold(TestRequests.Key("p-1"), hold.Value.HoldId, 25));
        Assert.True(posted.Succeeded, posted.ToString());
        Assert.Equal(new HoldSettled("p-1", hold.Value.HoldId, 25, 15, new VolunteerBalances(600, 600, 75, 75)), posted.Value);
        Assert.Equal(posted.Value, (await ana.PostHoldAsync(new PostHold(TestRequests.Key("p-1"), hold.Value.HoldId, 25))).Value);
        Assert.Equal(ErrorReasons.HoldAlreadyPosted, (await ana.PostHoldAsync(new PostHold(TestRequests.NewKey(), hold.Value.HoldId))).Reason());
        Assert.Equal(ErrorReasons.HoldAlreadyPosted, (await ana.VoidHoldAsync(new VoidHold(TestRequests.NewKey(), hold.Value.HoldId))).Reason());
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_voided_hold_returns_everything_and_cannot_be_posted(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await TransferHoursTests.VolunteerAsync(test, "ana", "riverside", minutes: 60);
        var hold = (await ana.HoldPointsAsync(new HoldPoints(TestRequests.NewKey(), 10))).Value!;

        var voided = await ana.VoidHoldAsync(new VoidHold(TestRequests.NewKey(), hold.HoldId));

        Assert.Equal((0L, 10L), (voided.Value!.PointsPosted, voided.Value.PointsReleased));
        Assert.Equal(new VolunteerBalance("ana", 60, 10, 60, 10), (await ana.GetBalanceAsync()).Value);
        Assert.Equal(ErrorReasons.HoldAlreadyVoided, (await ana.PostHoldAsync(new PostHold(TestRequests.NewKey(), hold.HoldId))).Reason());
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_request_id_reused_with_other_content_is_refused_for_holds_posts_and_reversals(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await TransferHoursTests.VolunteerAsync(test, "ana", "riverside", minutes: 600);
        var hold = (await ana.HoldPointsAsync(new HoldPoints(TestRequests.Key("h-1"), 10))).Value!;
        var other = (await ana.HoldPointsAsync(new HoldPoints(TestRequests.NewKey(), 10))).Value!;
        Assert.True((await ana.PostHoldAsync(new PostHold(TestRequests.Key("p-1"), hold.HoldId, 4))).Succeeded);
        var deposit = (await ana.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "park", 60))).Value!;
        Assert.True((await ana.ReverseTransferAsync(new ReverseTransfer(TestRequests.Key("x-1"), deposit.HoursTransferId))).Succeeded);

        Assert.Equal(ErrorReasons.RequestIdReused, (await ana.HoldPointsAsync(new HoldPoints(TestRequests.Key("h-1"), 11))).Reason());
        Assert.Equal(ErrorReasons.RequestIdReused, (await ana.PostHoldAsync(new PostHold(TestRequests.Key("p-1"), hold.HoldId, 5))).Reason());
        Assert.Equal(ErrorReasons.RequestIdReused, (await ana.VoidHoldAsync(new VoidHold(TestRequests.Key("p-1"), other.HoldId))).Reason());
        Assert.Equal(ErrorReasons.RequestIdReused, (await ana.ReverseTransferAsync(new ReverseTransfer(TestRequests.Key("x-1"), deposit.PointsTransferId))).Reason());
        Assert.Equal(new VolunteerBalance("ana", 600, 106, 600, 96), (await ana.GetBalanceAsync()).Value);
    }

    public static readonly TheoryData<string, long, string> BadSettlements = new()
    {
        { "volunteer/ana#99", 0, ErrorReasons.HoldNotFound.Code },
        { "volunteer/ben#3", 0, ErrorReasons.HoldNotFound.Code },            // another volunteer's hold
        { "volunteer/ana#2", 0, ErrorReasons.HoldNotFound.Code },            // a deposit's row, not a hold
        { "volunteer/ana#x", 0, ErrorReasons.InvalidHoldId.Code },
        { "", 0, ErrorReasons.InvalidHoldId.Code },
        { "ana#3", 0, ErrorReasons.InvalidHoldId.Code },
        { new string('h', 1000), 0, ErrorReasons.InvalidHoldId.Code },
        { "HOLD", 11, ErrorReasons.AmountExceedsHold.Code },
        { "HOLD", -1, ErrorReasons.PointsNotPositive.Code },
    };

    [Theory]
    [MemberData(nameof(BadSettlements))]
    public async Task Bad_posts_are_refused_with_their_reason_and_change_nothing(string holdId, long points, string expected)
    {
        await using var test = await GrainTestHost.StartAsync("memory");
        var ana = await TransferHoursTests.VolunteerAsync(test, "ana", "riverside", minutes: 60);
        var hold = (await ana.HoldPointsAsync(new HoldPoints(TestRequests.NewKey(), 10))).Value!;

        var result = await ana.PostHoldAsync(new PostHold(TestRequests.NewKey(), holdId == "HOLD" ? hold.HoldId : holdId, points));

        Assert.Equal(expected, result.Reason()?.Code);
        Assert.Equal(new VolunteerBalance("ana", 60, 10, 60, 0), (await ana.GetBalanceAsync()).Value);
    }

    public static readonly TheoryData<long, string, string, string> BadHolds = new()
    {
        { 0, "", "", ErrorReasons.PointsNotPositive.Code },
        { -3, "", "", ErrorReasons.PointsNotPositive.Code },
        { long.MaxValue, "", "", ErrorReasons.AmountTooLarge.Code },
        { 5, "bad ref", "", ErrorReasons.InvalidReference.Code },
        { 5, new string('r', 65), "", ErrorReasons.InvalidReference.Code },
        { 5, "", new string('m', 201), ErrorReasons.InvalidMemo.Code },
        { 11, "", "", ErrorReasons.InsufficientPoints.Code },
    };

    [Theory]
    [MemberData(nameof(BadHolds))]
    public async Task Bad_holds_are_refused_with_their_reason_and_hold_nothing(long points, string reference, string memo, string expected)
    {
        await using var test = await GrainTestHost.StartAsync("memory");
        var ana = await TransferHoursTests.VolunteerAsync(test, "ana", "riverside", minutes: 60);

        Assert.Equal(expected, (await ana.HoldPointsAsync(new HoldPoints(TestRequests.NewKey(), points, reference, memo))).Reason()?.Code);
        Assert.Equal(new VolunteerBalance("ana", 60, 10, 60, 10), (await ana.GetBalanceAsync()).Value);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_hold_nobody_posts_lapses_at_the_policys_expiry_also_after_a_restart_and_cannot_be_posted(string provider)
    {
        var clock = new ManualClock();
        await using var test = await GrainTestHost.StartAsync(provider, clock: clock);
        var riverside = test.Host.GetGrain<ICommunityGrain>("riverside");
        Assert.True((await riverside.UpdatePolicyAsync(new UpdatePolicy(TestRequests.NewKey(), CommunityPolicies.Default(10) with { HoldExpiry = TimeSpan.FromMinutes(5) }))).Succeeded);
        var ana = await TransferHoursTests.VolunteerAsync(test, "ana", "riverside", minutes: 60);
        var early = (await ana.HoldPointsAsync(new HoldPoints(TestRequests.NewKey(), 4))).Value!;
        clock.Advance(TimeSpan.FromMinutes(2));
        var late = (await ana.HoldPointsAsync(new HoldPoints(TestRequests.NewKey(), 3))).Value!;
        Assert.Equal(clock.GetUtcNow().AddMinutes(5), late.ExpiresAt, TimeSpan.FromSeconds(1));

        await test.RestartAsync();
        ana = test.Host.GetGrain<IVolunteerGrain>("ana");
        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(ErrorReasons.HoldExpired, (await ana.PostHoldAsync(new PostHold(TestRequests.NewKey(), early.HoldId))).Reason()); // before the reminder ran
        Assert.Equal(1, await test.Host.FireDueRemindersAsync(TestContext.Current.CancellationToken));
        Assert.Equal(new VolunteerBalance("ana", 60, 10, 60, 7), (await ana.GetBalanceAsync()).Value); // the early one lapsed, the late one holds

        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(1, await test.Host.FireDueRemindersAsync(TestContext.Current.CancellationToken));
        Assert.Equal(new VolunteerBalance("ana", 60, 10, 60, 10), (await ana.GetBalanceAsync()).Value);
        Assert.Equal(0, await test.Host.FireDueRemindersAsync(TestContext.Current.CancellationToken));
        Assert.Equal(ErrorReasons.HoldExpired, (await ana.PostHoldAsync(new PostHold(TestRequests.NewKey(), late.HoldId))).Reason());

        var rows = await test.Storage.ReadJournalAsync("volunteer/ana", 0, 100, TestContext.Current.CancellationToken);
        Assert.Equal(2, rows.Count(r => r.Code == (int)TransferCode.Expiry && r.ActorKeyId == SystemCallers.Holds));
    }
}
