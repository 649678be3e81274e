using System.Globalization;
using TimeBank.Client;
using TimeBank.Contracts.V1;
using TimeBank.Rpc;

namespace TimeBank.Server.Tests;

/// <summary>
/// Reports over the wire (issue 12), against the real server with the project's client: GetTotals, GetLeaderboard
/// and ExportReport as community.proto defines them, every bad input refused with its status and reason (an
/// export before any chunk), and a deposit acknowledged showing in the totals read right after it.
/// </summary>
public sealed class ReportServiceTests
{
    private static string ThisMonth => DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>
    /// The seed takes seconds on the server's real clock, so begun in a month's last minute it could straddle two
    /// months: then it waits for the next month to begin (at most a minute, once a month).
    /// </summary>
    private static async Task PastTheMonthsLastMinuteAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var nextMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        if (nextMonth - now < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(nextMonth - now + TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Riverside: ana (60 minutes of culture and 30 without a category), bo (45 of culture), a fund given 500 CNY for
    /// food; hillside: cy, given 20 minutes by ana. At the server's default 10 points an hour.
    /// </summary>
    private static async Task<string> SeedAsync(TimeBankClient admin)
    {
        await PastTheMonthsLastMinuteAsync();
        var month = ThisMonth;
        foreach (var (id, community) in new[] { ("ana", "riverside"), ("bo", "riverside"), ("cy", "hillside") })
        {
            await admin.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = $"r-{id}", VolunteerId = id, DisplayName = id.ToUpperInvariant(), CommunityId = community });
        }

        await admin.DepositHoursAsync(new DepositHoursRequest { RequestId = "d1", VolunteerId = "ana", ActivityId = "park", Minutes = 60, Category = "culture" });
        await admin.DepositHoursAsync(new DepositHoursRequest { RequestId = "d2", VolunteerId = "ana", ActivityId = "park", Minutes = 30 });
        await admin.DepositHoursAsync(new DepositHoursRequest { RequestId = "d3", VolunteerId = "bo", ActivityId = "park", Minutes = 45, Category = "culture" });
        await admin.TransferHoursAsync(new TransferHoursRequest { RequestId = "t1", VolunteerId = "ana", ToVolunteerId = "cy", Minutes = 20, Code = TransferCode.Gift });
        await admin.CreateFundAsync(new CreateFundRequest
        {
            RequestId = "f1", FundId = "roof", CommunityId = "riverside", Kind = FundKind.Community, Name = "Roof", Purposes = { "food" }, CommitteeMembers = { "m1" }, Quorum = 1,
        });
        await admin.DonateAsync(new DonateRequest { RequestId = "g1", FundId = "roof", Amount = 500, Earmark = "food", PaymentReference = "bank-1" });
        Assert.Equal(month, ThisMonth); // the seed did not straddle the end of a month (the figures below are of one month)
        return month;
    }

    [Fact]
    public async Task Totals_leaderboard_and_export_show_what_was_written_as_the_proto_defines_them()
    {
        await using var running = await RunningServer.StartAsync();
        var admin = running.Client;
        var month = await SeedAsync(admin);

        var totals = await admin.GetTotalsAsync(new GetTotalsRequest { CommunityId = "riverside" });
        var expected = new ReportFigures
        {
            VolunteersRegistered = 2, VolunteersRegisteredTotal = 2, ActiveVolunteers = 2, MinutesCredited = 135, PointsIssued = 22, MinutesTransferredOut = 20,
            Money = { new MoneyFigures { Currency = "CNY", Donated = 500 } },
        };
        Assert.Equal(("riverside", "", ""), (totals.CommunityId, totals.FromMonth, totals.ToMonth));
        Assert.Equal(expected, totals.Total);
        Assert.Equal([(month, expected)], totals.ByMonth.Select(m => (m.Month, m.Figures)));
        var uncategorized = new ReportFigures { MinutesCredited = 30, PointsIssued = 5, MinutesTransferredOut = 20 };
        var culture = new ReportFigures { MinutesCredited = 105, PointsIssued = 17 }; // 10 + 7: points are rounded down per deposit
        var food = new ReportFigures { Money = { new MoneyFigures { Currency = "CNY", Donated = 500 } } };
        Assert.Equal([("", uncategorized), ("culture", culture), ("food", food)], totals.ByCategory.Select(c => (c.Category, c.Figures)));
        Assert.Equal([(month, "", uncategorized), (month, "culture", culture), (month, "food", food)], totals.Cells.Select(c => (c.Month, c.Category, c.Figures)));
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - totals.AsOf.ToDateTimeOffset()).TotalMinutes) < 5, $"as_of {totals.AsOf} is not now");

        var hillside = await admin.GetTotalsAsync(new GetTotalsRequest { CommunityId = "hillside", FromMonth = month, ToMonth = month });
        Assert.Equal(new ReportFigures { VolunteersRegistered = 1, VolunteersRegisteredTotal = 1, MinutesTransferredIn = 20 }, hillside.Total);
        var city = await admin.GetTotalsAsync(new GetTotalsRequest());
        Assert.Equal(("", 3L, 135L, 20L, 20L), (city.CommunityId, city.Total.VolunteersRegistered, city.Total.MinutesCredited, city.Total.MinutesTransferredIn, city.Total.MinutesTransferredOut));
        var before = await admin.GetTotalsAsync(new GetTotalsRequest { CommunityId = "riverside", ToMonth = "2000-01" });
        Assert.Equal((new ReportFigures(), 0, 0), (before.Total, before.ByMonth.Count, before.Cells.Count));

        var board = await admin.GetLeaderboardAsync(new GetLeaderboardRequest { CommunityId = "riverside", Period = LeaderboardPeriod.ThisMonth });
        Assert.Equal(("riverside", LeaderboardPeriod.ThisMonth, month), (board.CommunityId, board.Period, board.Label));
        Assert.Equal([(1, "ana", "ANA", "riverside", 90L), (2, "bo", "BO", "riverside", 45L)], board.Entries.Select(e => (e.Rank, e.VolunteerId, e.DisplayName, e.CommunityId, e.Minutes)));
        var top1 = await admin.GetLeaderboardAsync(new GetLeaderboardRequest { CommunityId = "", Period = LeaderboardPeriod.AllTime, Top = 1 });
        Assert.Equal(("", "all", "ana"), (top1.CommunityId, top1.Label, Assert.Single(top1.Entries).VolunteerId));

        // The export: the header, then every figure that is not zero, in the proto's order (totals, by category, by month,
        // by month and category), CRLF-ended, in whole lines. The values are GetTotals' above.
        var chunks = new List<string>();
        await foreach (var chunk in admin.ExportReportAsync(new ExportReportRequest { CommunityId = "riverside" }, cancellationToken: TestContext.Current.CancellationToken))
        {
            chunks.Add(chunk.Csv);
        }

        Assert.All(chunks, c => Assert.EndsWith("\r\n", c, StringComparison.Ordinal));
        var csv = string.Concat(chunks);
        Assert.DoesNotContain("\n", csv.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        string[] all =
        [
            "volunteers_registered,count,2", "volunteers_registered_total,count,2", "active_volunteers,count,2", "minutes_credited,minutes,135", "points_issued,points,22",
            "minutes_transferred_out,minutes,20", "money_donated,CNY,500",
        ];
        string[] byCategory =
        [
            ",minutes_credited,minutes,30", ",points_issued,points,5", ",minutes_transferred_out,minutes,20",
            "culture,minutes_credited,minutes,105", "culture,points_issued,points,17", "food,money_donated,CNY,500",
        ];
        var lines = new[] { "month,category,figure,unit,value" }
            .Concat(all.Select(l => $"all,*,{l}"))
            .Concat(byCategory.Select(l => $"all,{l}"))
            .Concat(all.Select(l => $"{month},*,{l}"))
            .Concat(byCategory.Select(l => $"{month},{l}"));
        Assert.Equal(string.Concat(lines.Select(l => l + "\r\n")), csv);
    }

    [Fact]
    public async Task A_deposit_acknowledged_over_the_wire_is_in_the_totals_and_the_leaderboard_read_right_after_it()
    {
        await using var running = await RunningServer.StartAsync();
        var admin = running.Client;
        await admin.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = "r-ana", VolunteerId = "ana", DisplayName = "Ana", CommunityId = "riverside" });
        using var auditor = running.ClientWith((await admin.CreateKeyAsync(new CreateKeyRequest { RequestId = "k", Role = "auditor", Scope = "riverside", DisplayName = "Auditor" })).Secret);
        long minutes = 0;
        for (var i = 1; i <= 25; i++)
        {
            var deposit = await admin.DepositHoursAsync(new DepositHoursRequest { RequestId = $"d{i}", VolunteerId = "ana", ActivityId = "park", Minutes = i, Category = "youth" });
            minutes += deposit.MinutesCredited;

            // No waiting, no polling: the figure was written in the deposit's own transaction.
            var totals = await auditor.GetTotalsAsync(new GetTotalsRequest { CommunityId = "riverside" });
            Assert.Equal((minutes, minutes), (totals.Total.MinutesCredited, totals.ByCategory.Single(c => c.Category == "youth").Figures.MinutesCredited));
            var board = await auditor.GetLeaderboardAsync(new GetLeaderboardRequest { CommunityId = "riverside", Period = LeaderboardPeriod.AllTime });
            Assert.Equal(minutes, Assert.Single(board.Entries).Minutes);
        }
    }

    public static readonly TheoryData<string, string, string> BadRanges = new()
    {
        { "2026-13", "", "INVALID_FROM_MONTH" },
        { "2026-1", "", "INVALID_FROM_MONTH" },
        { "x", "", "INVALID_FROM_MONTH" },
        { "", "26-01", "INVALID_TO_MONTH" },
        { "", "2026-01-01", "INVALID_TO_MONTH" },
        { "2026-05", "2026-04", "INVALID_MONTH_RANGE" },
        { "2027-01", "2026-12", "INVALID_MONTH_RANGE" },
    };

    [Theory]
    [MemberData(nameof(BadRanges))]
    public async Task A_bad_range_is_refused_as_an_invalid_argument_by_totals_and_export_before_any_chunk(string from, string to, string reason)
    {
        await using var running = await RunningServer.StartAsync();
        Assert.Equal((StatusCode.InvalidArgument, reason), await RefusalAsync(() => running.Client.GetTotalsAsync(new GetTotalsRequest { CommunityId = "riverside", FromMonth = from, ToMonth = to })));
        Assert.Equal((StatusCode.InvalidArgument, reason, 0), await ExportRefusalAsync(running.Client, new ExportReportRequest { CommunityId = "riverside", FromMonth = from, ToMonth = to }));
    }

    [Fact]
    public async Task A_bad_leaderboard_query_is_refused_with_its_reason()
    {
        await using var running = await RunningServer.StartAsync();
        var client = running.Client;
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_LEADERBOARD_PERIOD"),
            await RefusalAsync(() => client.GetLeaderboardAsync(new GetLeaderboardRequest { CommunityId = "riverside", Period = LeaderboardPeriod.Unspecified })));
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_LEADERBOARD_PERIOD"),
            await RefusalAsync(() => client.GetLeaderboardAsync(new GetLeaderboardRequest { CommunityId = "riverside", Period = (LeaderboardPeriod)9 })));
        foreach (var top in new[] { -1, 101, int.MaxValue })
        {
            Assert.Equal((StatusCode.InvalidArgument, "INVALID_TOP"),
                await RefusalAsync(() => client.GetLeaderboardAsync(new GetLeaderboardRequest { CommunityId = "riverside", Period = LeaderboardPeriod.AllTime, Top = top })));
        }

        Assert.Empty((await client.GetLeaderboardAsync(new GetLeaderboardRequest { CommunityId = "riverside", Period = LeaderboardPeriod.AllTime, Top = 100 })).Entries);
    }

    [Fact]
    public async Task A_malformed_or_missing_community_and_one_outside_the_keys_scope_are_refused_by_every_report()
    {
        await using var running = await RunningServer.StartAsync();
        var admin = running.Client;
        async Task<TimeBankClient> KeyAsync(string role, string scope)
            => running.ClientWith((await admin.CreateKeyAsync(new CreateKeyRequest { RequestId = $"k-{role}-{scope}", Role = role, Scope = scope, DisplayName = $"{role} {scope}" })).Secret);
        using var auditor = await KeyAsync("auditor", "riverside");
        using var communityAdmin = await KeyAsync("community-admin", "riverside");
        using var app = await KeyAsync("app", "riverside");
        using var cityAuditor = await KeyAsync("auditor", "*");

        var cases = new (TimeBankClient Client, string Community, StatusCode Status, string Reason)[]
        {
            (admin, "not a community!", StatusCode.InvalidArgument, "INVALID_COMMUNITY_ID"),
            (admin, "nowhere", StatusCode.NotFound, "COMMUNITY_NOT_FOUND"),
            (cityAuditor, "nowhere", StatusCode.NotFound, "COMMUNITY_NOT_FOUND"),
            (auditor, "hillside", StatusCode.PermissionDenied, "OUT_OF_SCOPE"),
            (auditor, "", StatusCode.PermissionDenied, "OUT_OF_SCOPE"),
            (communityAdmin, "hillside", StatusCode.PermissionDenied, "OUT_OF_SCOPE"),
            (communityAdmin, "", StatusCode.PermissionDenied, "OUT_OF_SCOPE"),
        };
        foreach (var (client, community, status, reason) in cases)
        {
            var totals = await RefusalAsync(() => client.GetTotalsAsync(new GetTotalsRequest { CommunityId = community }));
            Assert.Equal((community, status, reason), (community, totals.Status, totals.Reason));
            var board = await RefusalAsync(() => client.GetLeaderboardAsync(new GetLeaderboardRequest { CommunityId = community, Period = LeaderboardPeriod.AllTime }));
            Assert.Equal((community, status, reason), (community, board.Status, board.Reason));
            Assert.Equal((community, status, reason, 0), await ExportRefusalAsync(client, new ExportReportRequest { CommunityId = community }, community));
        }

        // The app key reads its community's leaderboard but neither another's nor every community's.
        Assert.Empty((await app.GetLeaderboardAsync(new GetLeaderboardRequest { CommunityId = "riverside", Period = LeaderboardPeriod.AllTime })).Entries);
        foreach (var community in new[] { "hillside", "" })
        {
            Assert.Equal((StatusCode.PermissionDenied, "OUT_OF_SCOPE"),
                await RefusalAsync(() => app.GetLeaderboardAsync(new GetLeaderboardRequest { CommunityId = community, Period = LeaderboardPeriod.AllTime })));
        }

        // Keys that reach every community may ask for all of them, and their own community is theirs to read.
        Assert.Equal("", (await cityAuditor.GetTotalsAsync(new GetTotalsRequest())).CommunityId);
        Assert.Equal("riverside", (await auditor.GetTotalsAsync(new GetTotalsRequest { CommunityId = "riverside" })).CommunityId);
    }

    private static async Task<(StatusCode Status, string? Reason)> RefusalAsync<T>(Func<Task<T>> call)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await call());
        return (refused.StatusCode, refused.Reason);
    }

    /// <summary>The export's refusal, and how many chunks came before it (a refused export must send none).</summary>
    private static async Task<(StatusCode Status, string? Reason, int Chunks)> ExportRefusalAsync(TimeBankClient client, ExportReportRequest request)
    {
        var chunks = 0;
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var chunk in client.ExportReportAsync(request, cancellationToken: TestContext.Current.CancellationToken))
            {
                chunks++;
            }
        });
        return (refused.StatusCode, refused.Reason, chunks);
    }

    private static async Task<(string Community, StatusCode Status, string? Reason, int Chunks)> ExportRefusalAsync(TimeBankClient client, ExportReportRequest request, string community)
    {
        var (status, reason, chunks) = await ExportRefusalAsync(client, request);
        return (community, status, reason, chunks);
    }
}
