using TimeBank.Contracts.V1;
using TimeBank.Grains.Reports;
using TimeBank.Grains.Volunteers;
using LeaderboardPeriod = TimeBank.Grains.Reports.LeaderboardPeriod;

namespace TimeBank.Grains.Tests;

/// <summary>Reports read what the writes counted: figures by category and month, the leaderboard's ranks, and the refusals of bad queries.</summary>
public sealed class ReportTests
{
    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Deposits_transfers_and_reversals_show_in_the_totals_and_the_leaderboard_at_once_and_after_a_restart(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        foreach (var (id, community) in new[] { ("ana", "riverside"), ("ben", "riverside"), ("cai", "riverside"), ("dan", "hillside") })
        {
            Assert.True((await Volunteer(test, id).RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), id.ToUpperInvariant(), community))).Succeeded);
        }

        Assert.True((await Volunteer(test, "ana").DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "park", 120, "environment"))).Succeeded);
        var reversed = await Volunteer(test, "ben").DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "park", 60, "culture"));
        Assert.True((await Volunteer(test, "ben").DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "park", 60, "culture"))).Succeeded);
        Assert.True((await Volunteer(test, "cai").DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "park", 120, "culture"))).Succeeded);
        Assert.True((await Volunteer(test, "ana").TransferHoursAsync(new TransferHours(TestRequests.NewKey(), "ben", 30, Ledger.TransferCode.Gift))).Succeeded);
        Assert.True((await Volunteer(test, "ana").TransferHoursAsync(new TransferHours(TestRequests.NewKey(), "dan", 20, Ledger.TransferCode.Gift))).Succeeded);
        Assert.True((await Volunteer(test, "ben").ReverseTransferAsync(new ReverseTransfer(TestRequests.NewKey(), reversed.Value!.HoursTransferId))).Succeeded);

        for (var pass = 0; pass < 2; pass++)
        {
            var month = Periods.Month(DateTimeOffset.UtcNow);
            var totals = (await test.Host.GetGrain<IReportGrain>("riverside").GetTotalsAsync(new GetTotals(month, month))).Value!;
            var t = totals.Total;
            Assert.Equal((3, 3, 3), (t.VolunteersRegistered, t.VolunteersRegisteredTotal, t.ActiveVolunteers));
            Assert.Equal((360L, 60L), (t.MinutesCredited, t.MinutesReversed));
            Assert.Equal((60L, 0L), (t.PointsIssued, t.PointsReversed)); // 10 points an hour; the reversal took back the minutes only
            Assert.Equal((30L, 20L, 0L), (t.MinutesTransferredWithin, t.MinutesTransferredOut, t.MinutesTransferredIn));
            Assert.Equal(240L, totals.ByCategory.Single(c => c.Category == "culture").Figures.MinutesCredited);
            Assert.Equal(month, Assert.Single(totals.ByMonth).Month);

            var hillside = (await test.Host.GetGrain<IReportGrain>("hillside").GetTotalsAsync(new GetTotals("", ""))).Value!;
            Assert.Equal((20L, 1L, 0L), (hillside.Total.MinutesTransferredIn, hillside.Total.VolunteersRegistered, hillside.Total.ActiveVolunteers));

            var city = (await test.Host.GetGrain<IReportGrain>(IReportGrain.EveryCommunity).GetTotalsAsync(new GetTotals("", ""))).Value!;
            Assert.Equal((4L, 360L), (city.Total.VolunteersRegistered, city.Total.MinutesCredited));

            // ana 120, cai 120, ben 120 - 60 = 60: two share first place, the next is third.
            var board = (await test.Host.GetGrain<IReportGrain>("riverside").GetLeaderboardAsync(new GetLeaderboard(LeaderboardPeriod.ThisMonth, 2))).Value!;
            Assert.Equal([(1, "ana", "ANA", 120L), (1, "cai", "CAI", 120L)], board.Entries.Select(e => (e.Rank, e.VolunteerId, e.DisplayName, e.Minutes)));
            var all = (await test.Host.GetGrain<IReportGrain>("riverside").GetLeaderboardAsync(new GetLeaderboard(LeaderboardPeriod.AllTime, 0))).Value!;
            Assert.Equal([(1, "ana"), (1, "cai"), (3, "ben")], all.Entries.Select(e => (e.Rank, e.VolunteerId)));

            await test.RestartAsync();
        }
    }

    public static readonly TheoryData<string, string, string> BadRanges = new()
    {
        { "2026-13", "", "INVALID_FROM_MONTH" },
        { "2026-1", "", "INVALID_FROM_MONTH" },
        { "", "26-01", "INVALID_TO_MONTH" },
        { "", "2026-01-01", "INVALID_TO_MONTH" },
        { "2026-05", "2026-04", "INVALID_MONTH_RANGE" },
    };

    [Theory]
    [MemberData(nameof(BadRanges))]
    public async Task A_bad_range_is_refused_with_its_reason(string from, string to, string reason)
    {
        await using var test = await GrainTestHost.StartAsync("memory");
        var answer = await test.Host.GetGrain<IReportGrain>("riverside").GetTotalsAsync(new GetTotals(from, to));
        Assert.Equal(reason, answer.Reason()?.Code);
    }

    [Fact]
    public async Task A_bad_leaderboard_query_or_a_missing_community_is_refused()
    {
        await using var test = await GrainTestHost.StartAsync("memory");
        var reports = test.Host.GetGrain<IReportGrain>("riverside");
        Assert.Equal(ErrorReasons.InvalidLeaderboardPeriod, (await reports.GetLeaderboardAsync(new GetLeaderboard(0, 10))).Reason());
        Assert.Equal(ErrorReasons.InvalidTop, (await reports.GetLeaderboardAsync(new GetLeaderboard(LeaderboardPeriod.AllTime, 101))).Reason());
        Assert.Equal(ErrorReasons.InvalidTop, (await reports.GetLeaderboardAsync(new GetLeaderboard(LeaderboardPeriod.AllTime, -1))).Reason());
        Assert.Equal(ErrorReasons.CommunityNotFound, (await test.Host.GetGrain<IReportGrain>("nowhere").GetTotalsAsync(new GetTotals("", ""))).Reason());
        Assert.Equal(ErrorReasons.CommunityNotFound, (await test.Host.GetGrain<IReportGrain>("nowhere").GetLeaderboardAsync(new GetLeaderboard(LeaderboardPeriod.AllTime, 1))).Reason());
    }

    private static IVolunteerGrain Volunteer(GrainTestHost test, string id) => test.Host.GetGrain<IVolunteerGrain>(id);
}
