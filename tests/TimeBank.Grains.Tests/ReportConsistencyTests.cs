using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TimeBank.Contracts.V1;
using TimeBank.Grains.Activities;
using TimeBank.Grains.Funds;
using TimeBank.Grains.Reports;
using TimeBank.Grains.Stores;
using TimeBank.Grains.Volunteers;
using TimeBank.Ledger;
using TimeBank.Runtime;
using TimeBank.Storage;
using TimeBank.Testing;
using AttendanceEntry = TimeBank.Grains.Activities.AttendanceEntry;
using BasketLine = TimeBank.Grains.Stores.BasketLine;
using CategoryFigures = TimeBank.Grains.Reports.CategoryFigures;
using CommunityTotals = TimeBank.Grains.Reports.CommunityTotals;
using FundKind = TimeBank.Grains.Funds.FundKind;
using LeaderboardEntry = TimeBank.Grains.Reports.LeaderboardEntry;
using MoneyFigures = TimeBank.Grains.Reports.MoneyFigures;
using MonthFigures = TimeBank.Grains.Reports.MonthFigures;
using ProposalStatus = TimeBank.Grains.Funds.ProposalStatus;
using ReportCell = TimeBank.Grains.Reports.ReportCell;
using ReportFigures = TimeBank.Grains.Reports.ReportFigures;
using LeaderboardPeriod = TimeBank.Grains.Reports.LeaderboardPeriod;
using StockSource = TimeBank.Grains.Stores.StockSource;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Tests;

/// <summary>
/// Issue 12, "correct": after a concurrent mixed workload over four months and three communities (registrations,
/// deposits with categories, activities crediting volunteers of other communities, store sales and refunds, holds,
/// hour transfers within and across communities, reversals of deposits and of transfers, fund donations in two
/// currencies, allocations reserved, paid out and cancelled; answered requests sent again), with injected crashes
/// between saga steps in the later months and a restart after every month, every figure of GetTotals and every
/// leaderboard equals a recount of the journal made here, from the rows' own columns and the proto's definitions
/// (not from the grains' Figures or ReportSums). Then again after a restart. The short form runs in CI;
/// <c>TIMEBANK_LONG_TESTS=1</c> runs five times the operations.
/// </summary>
public sealed class ReportConsistencyTests
{
    private static readonly bool Long = Environment.GetEnvironmentVariable("TIMEBANK_LONG_TESTS") == "1";

    private static readonly int Scale = Long ? 5 : 1;

    private static readonly string[] Communities = ["riverside", "hillside", "old-town"];

    /// <summary>"" is a deposit without a category; the rest are the default categories every community has.</summary>
    private static readonly string[] Categories = ["", "elder-care", "culture", "environment", "self-governance", "youth"];

    /// <summary>Where each month's work happens: two months of 2026 and two of 2027, so month, year and all time all differ.</summary>
    private static readonly DateTimeOffset[] Months =
    [
        new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero),
        new(2026, 12, 10, 8, 0, 0, TimeSpan.Zero),
        new(2027, 1, 5, 8, 0, 0, TimeSpan.Zero),
        new(2027, 2, 3, 8, 0, 0, TimeSpan.Zero),
    ];

    private static readonly (string Id, string Community, string[] Served)[] Stores =
    [
        ("pantry", "riverside", ["hillside"]),
        ("market", "old-town", ["riverside"]),
        ("shop", "hillside", ["old-town"]),
    ];

    private static readonly Dictionary<string, long> Prices = new(StringComparer.Ordinal) { ["rice"] = 4, ["soap"] = 2, ["tea"] = 3, ["oil"] = 6 };

    private static readonly (string Id, string Community, string Currency, string[] Purposes)[] FundsOpened =
    [
        ("roof", "riverside", "CNY", ["repairs", "food"]),
        ("garden", "hillside", "EUR", ["seeds", "tools"]),
        ("library", "old-town", "CNY", ["books"]),
    ];

    /// <summary>Steps between which a saga may crash (what is stored stays; a retry or the reminder finishes it).</summary>
    private static readonly string[] CrashSteps =
        ["sale.held", "sale.posted", "refund.applied", "refund.credited", "transfer.held", "transfer.credited", "reversal.recorded", "reversal.returned", "attendance.credit", "attendance.credited"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Totals_and_leaderboards_equal_the_journal_recounted_after_a_concurrent_mixed_workload_with_crashes_and_restarts(string provider)
    {
        var watch = Stopwatch.StartNew();
        var clock = new ManualClock();
        await using var test = await GrainTestHost.StartAsync(provider, clock: clock);
        var world = new World(test, clock);
        await world.OpenStoresAndFundsAsync();

        for (var month = 0; month < Months.Length; month++)
        {
            clock.Advance(Months[month] - clock.GetUtcNow());

            // The later months run with crashes between saga steps: some callers retry, some leave it to the reminder.
            await test.RestartAsync(month >= 2 ? world.Faults.Options : null);
            await world.RunMonthAsync(month);
            await test.RestartAsync(); // no crashes while what was left under way is finished
            await world.FinishWhatIsUnderWayAsync();
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{provider}: workload {watch.Elapsed.TotalSeconds:F1} s; {world.Describe()}");
        Assert.True(world.Faults.Crashes > 0, $"No saga step crashed: {world.Describe()}");
        Assert.True(world.Counted("left to the reminder") > 0, $"No crashed saga was left to its reminder: {world.Describe()}");

        var recount = await Recount.ReadAsync(test.Storage, world);
        recount.AssertWorkloadCoveredEveryFigure();
        await AssertReportsEqualAsync(test, recount, clock);
        await AssertPointsAndHoursAddUpAsync(test, recount, world);

        await test.RestartAsync(); // figures are stored, not remembered
        await AssertReportsEqualAsync(test, recount, clock);
        TestContext.Current.TestOutputHelper?.WriteLine($"{provider}: all checks done at {watch.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// One saga of each kind crashes at a chosen step and is finished by its reminder (nobody retries): the transfer
    /// after the recipient was credited, the sale after its hold was posted, the refund after the volunteer was
    /// credited, the reversal after the recipient returned the hours, the attendance after its credits were made and before they were marked.
    /// Each step that the reminder repeats must not count twice: the totals equal the journal recounted.
    /// </summary>
    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_saga_crashed_between_its_steps_and_finished_by_its_reminder_is_counted_once(string provider)
    {
        var clock = new ManualClock();
        await using var test = await GrainTestHost.StartAsync(provider, clock: clock);
        var world = new World(test, clock);
        await world.OpenStoresAndFundsAsync();
        foreach (var (id, community) in new[] { ("ana", "riverside"), ("ben", "hillside"), ("cai", "riverside") })
        {
            Assert.True((await test.Volunteer(id).RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), id.ToUpperInvariant(), community))).Value!.Created);
            world.Registered(id, community, Periods.Month(clock.GetUtcNow()));
            Assert.True((await test.Volunteer(id).DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "park", 240, "culture"))).Succeeded);
        }

        var start = clock.GetUtcNow().AddHours(1);
        var tea = test.Host.GetGrain<IActivityGrain>("tea");
        Assert.True((await tea.PublishActivityAsync(new PublishActivity(
            TestRequests.NewKey(), "riverside", "elder-care", "Tea", "", "Hall", start, start.AddHours(1), 90, 10, start.AddMinutes(-30), true))).Succeeded);
        Assert.True((await tea.SignUpAsync(new SignUp(TestRequests.NewKey(), "ben"))).Succeeded);
        Assert.True((await tea.SignUpAsync(new SignUp(TestRequests.NewKey(), "cai"))).Succeeded);
        clock.Advance(TimeSpan.FromHours(2));

        async Task CrashAsync(string step, Func<GrainHost, Task> call)
        {
            await test.RestartAsync(StoreSales.CrashingAt(step));
            await Assert.ThrowsAnyAsync<Exception>(() => call(test.Host));
            await test.RestartAsync();
            await world.FinishWhatIsUnderWayAsync();
        }

        await CrashAsync("transfer.credited", h => h.GetGrain<IVolunteerGrain>("ana").TransferHoursAsync(new TransferHours(TestRequests.Key("t-1"), "ben", 50, TransferCode.Gift)));
        var transfer = await test.Volunteer("ana").TransferHoursAsync(new TransferHours(TestRequests.Key("t-1"), "ben", 50, TransferCode.Gift));
        Assert.True(transfer.Succeeded, transfer.ToString()); // the reminder completed it; the retry reads its outcome
        await CrashAsync("transfer.credited", h => h.GetGrain<IVolunteerGrain>("ana").TransferHoursAsync(new TransferHours(TestRequests.Key("t-2"), "cai", 30, TransferCode.Exchange)));
        await CrashAsync("reversal.returned", h => h.GetGrain<IVolunteerGrain>("ana").ReverseTransferAsync(new ReverseTransfer(TestRequests.NewKey(), transfer.Value!.TransferId)));
        await CrashAsync("sale.posted", h => h.GetGrain<IStoreGrain>("pantry").RedeemAsync(
            new Redeem(TestRequests.Key("s-1"), "ben", [new BasketLine("rice", 2), new BasketLine("tea", 1)], 11)));
        var sale = await test.Host.GetGrain<IStoreGrain>("pantry").RedeemAsync(new Redeem(TestRequests.Key("s-1"), "ben", [new BasketLine("rice", 2), new BasketLine("tea", 1)], 11));
        Assert.True(sale.Succeeded, sale.ToString());
        await CrashAsync("refund.credited", h => h.GetGrain<IStoreGrain>("pantry").RefundAsync(new Refund(TestRequests.NewKey(), sale.Value!.Receipt.ReceiptId, [new BasketLine("rice", 1)])));
        await CrashAsync("attendance.credited", h => h.GetGrain<IActivityGrain>("tea").ConfirmAttendanceAsync(
            new ConfirmAttendance(TestRequests.NewKey(), [new AttendanceEntry("ben", 90), new AttendanceEntry("cai", 60)])));
        world.Held("riverside", "elder-care", Periods.Month(clock.GetUtcNow()));

        var recount = await Recount.ReadAsync(test.Storage, world);
        var riverside = recount.Expected("riverside", "", "", clock.GetUtcNow());
        var hillside = recount.Expected("hillside", "", "", clock.GetUtcNow());
        // What the crashed sagas did, once each: ben got 50 and gave them back; cai 30 (within riverside); ben and cai attended.
        Assert.Equal((50L, 50L, 30L, 50L), (riverside.Total.MinutesTransferredOut, hillside.Total.MinutesTransferredIn, riverside.Total.MinutesTransferredWithin, riverside.Total.MinutesTransfersReversed));
        Assert.Equal((11L, 4L, 1L), (hillside.Total.PointsRedeemed, hillside.Total.PointsRefunded, riverside.Total.ActivitiesHeld));
        Assert.Equal(2 * 240 + 90 + 60, riverside.Total.MinutesCredited); // ben's deposit is hillside's
        await AssertReportsEqualAsync(test, recount, clock);
        await test.RestartAsync();
        await AssertReportsEqualAsync(test, recount, clock);
    }

    private static async Task AssertReportsEqualAsync(GrainTestHost test, Recount recount, ManualClock clock)
    {
        (string From, string To)[] ranges =
        [
            ("", ""), ("2026-11", "2026-11"), ("2026-12", "2027-01"), ("2026-01", "2026-12"), ("2027-01", "2027-12"), ("2027-02", ""), ("", "2026-12"),
            ("2025-01", "2025-12"), ("2027-01", "2027-01"),
        ];
        foreach (var scope in Communities.Append("c").Append(IReportGrain.EveryCommunity))
        {
            var reports = test.Host.GetGrain<IReportGrain>(scope);
            var community = scope == IReportGrain.EveryCommunity ? null : scope;
            foreach (var (from, to) in ranges)
            {
                var answer = await reports.GetTotalsAsync(new GetTotals(from, to));
                Assert.True(answer.Succeeded, answer.ToString());
                var actual = answer.Value!;
                var expected = recount.Expected(community, from, to, actual.AsOf);
                var where = $"{scope} {from}..{to}";
                Same($"{where} total", expected.Total, actual.Total);
                Same($"{where} by category", expected.ByCategory, actual.ByCategory);
                Same($"{where} by month", expected.ByMonth, actual.ByMonth);
                Same($"{where} cells", expected.Cells, actual.Cells);
                Same($"{where}", expected, actual);
            }

            foreach (var period in new[] { LeaderboardPeriod.ThisMonth, LeaderboardPeriod.ThisYear, LeaderboardPeriod.AllTime })
            {
                foreach (var top in new[] { 1, 3, 0, 100 })
                {
                    var answer = await reports.GetLeaderboardAsync(new GetLeaderboard(period, top));
                    Assert.True(answer.Succeeded, answer.ToString());
                    var board = answer.Value!;
                    var now = clock.GetUtcNow();
                    var key = period switch { LeaderboardPeriod.ThisMonth => Periods.Month(now), LeaderboardPeriod.ThisYear => Periods.Year(now), _ => Periods.AllTime };
                    Assert.Equal((community ?? "", period == LeaderboardPeriod.AllTime ? "all" : key), (board.CommunityId, board.Label));
                    Same($"{scope} leaderboard {period} top {top}", recount.Board(community, key, top == 0 ? 10 : top), InTieOrder(board.Entries));
                }
            }
        }
    }

    /// <summary>
    /// Points: what every community issued less what was reversed, redeemed and given back by refunds is what all
    /// volunteers hold. Per community this holds only for its own volunteers' credits (an activity of one community
    /// credits volunteers of another, and those spend under their own): a community's redeemed less refunded is what
    /// its volunteers were credited less reversed less what they hold. Hours: credited less reversed is what all hold.
    /// </summary>
    private static async Task AssertPointsAndHoursAddUpAsync(GrainTestHost test, Recount recount, World world)
    {
        var now = DateTimeOffset.UtcNow;
        var city = recount.Expected(null, "", "", now).Total;
        var balances = new Dictionary<string, VolunteerBalance>(StringComparer.Ordinal);
        foreach (var volunteer in world.Volunteers)
        {
            balances[volunteer] = (await test.Volunteer(volunteer).GetBalanceAsync()).Value!;
            Assert.Equal(balances[volunteer].Points, balances[volunteer].PointsAvailable); // nothing left held
        }

        Assert.Equal(city.PointsIssued - city.PointsReversed - city.PointsRedeemed + city.PointsRefunded, balances.Values.Sum(b => b.Points));
        Assert.Equal(city.MinutesCredited - city.MinutesReversed, balances.Values.Sum(b => b.HoursMinutes));
        foreach (var community in Communities)
        {
            var figures = (await test.Host.GetGrain<IReportGrain>(community).GetTotalsAsync(new GetTotals("", ""))).Value!.Total;
            var own = world.Volunteers.Where(v => world.CommunityOf(v) == community).ToArray();
            Assert.Equal(
                own.Sum(v => recount.PointsCreditedNet(v)) - own.Sum(v => balances[v].Points),
                figures.PointsRedeemed - figures.PointsRefunded);
        }
    }

    private static IReadOnlyList<LeaderboardEntry> InTieOrder(IEnumerable<LeaderboardEntry> entries)
        => entries.OrderBy(e => e.Rank).ThenBy(e => e.VolunteerId, StringComparer.Ordinal).ToList();

    private static void Same<T>(string what, T expected, T actual)
    {
        var (e, a) = (JsonSerializer.Serialize(expected, Json), JsonSerializer.Serialize(actual, Json));
        if (e != a)
        {
            Assert.Fail($"{what} differs from the journal recounted.\nexpected: {e}\nactual:   {a}");
        }
    }

    /// <summary>
    /// The figures the proto defines, recounted from the journal's own columns (code, kind, ledger, accounts,
    /// category, recorded_at) and what the test knows: whose community each volunteer and fund is, who registered
    /// when, which activity was held when. Every row must be one this knows, or the test fails.
    /// </summary>
    private sealed class Recount
    {
        private const string Registered = "registered";
        private const string Held = "held";
        private const string MinutesCredited = "minutes_credited";
        private const string MinutesReversed = "minutes_reversed";
        private const string PointsIssued = "points_issued";
        private const string PointsReversed = "points_reversed";
        private const string PointsRedeemed = "points_redeemed";
        private const string PointsRefunded = "points_refunded";
        private const string In = "minutes_transferred_in";
        private const string Out = "minutes_transferred_out";
        private const string Within = "minutes_transferred_within";
        private const string TransfersReversed = "minutes_transfers_reversed";
        private const string Donated = "donated";
        private const string Reserved = "reserved";
        private const string Released = "released";
        private const string PaidOut = "paid_out";

        private readonly List<Fact> _facts = [];
        private readonly List<(string Community, string Volunteer, string Month)> _services = [];
        private readonly Dictionary<(string Community, string Volunteer, string Period), long> _standings = [];
        private readonly Dictionary<string, long> _pointsCreditedNet = new(StringComparer.Ordinal);
        private readonly World _world;

        private Recount(World world) => _world = world;

        public static async Task<Recount> ReadAsync(IGrainStorage storage, World world)
        {
            var recount = new Recount(world);
            recount._facts.AddRange(world.Registrations.Select(r => new Fact(r.Community, Registered, r.Month, "", "", 1)));
            recount._facts.AddRange(world.ActivitiesHeld.Select(a => new Fact(a.Community, Held, a.Month, a.Category, "", 1)));
            var (afterGrain, afterSequence) = ("", 0L);
            while (true)
            {
                var page = await storage.ReadAllJournalAsync(afterGrain, afterSequence, 1_000, TestContext.Current.CancellationToken);
                if (page.Count == 0)
                {
                    return recount;
                }

                foreach (var row in page)
                {
                    recount.Add(row.GrainId, row.Entry);
                }

                (afterGrain, afterSequence) = (page[^1].GrainId, page[^1].Entry.Sequence);
            }
        }

        /// <summary>Points credited to a volunteer for service less those reversed (whichever community issued them).</summary>
        public long PointsCreditedNet(string volunteer) => _pointsCreditedNet.GetValueOrDefault(volunteer);

        private void Add(string grainId, JournalEntry row)
        {
            var month = Periods.Month(row.RecordedAt);
            var (type, owner) = (grainId[..grainId.IndexOf('/', StringComparison.Ordinal)], grainId[(grainId.IndexOf('/', StringComparison.Ordinal) + 1)..]);
            var (ledger, code, kind) = ((LedgerKind)row.Ledger, (TransferCode)row.Code, (TransferKind)row.Kind);
            var what = $"{grainId}#{row.Sequence} {ledger} {code} {kind} {row.DebitAccount} -> {row.CreditAccount}";
            void Count(string community, string figure, string category, long amount, string currency = "")
                => _facts.Add(new Fact(community, figure, month, category, currency, amount));

            if (type == "fund")
            {
                var (community, currency) = _world.FundOf(owner);
                Assert.Equal(LedgerKind.Money, ledger);
                var figure = (code, kind) switch
                {
                    (TransferCode.Donation, TransferKind.Posted) => Donated,
                    (TransferCode.Allocation, TransferKind.Pending) => Reserved,
                    (TransferCode.Allocation, TransferKind.VoidPending) => Released,
                    (TransferCode.Payout, TransferKind.PostPending) => PaidOut,
                    _ => throw new Xunit.Sdk.XunitException($"A fund row the recount does not know: {what}"),
                };
                Count(community, figure, row.Category, row.Amount, currency);
                return;
            }

            Assert.True(type == "volunteer", $"A journal row of a grain that is neither a volunteer nor a fund: {what}");
            var own = _world.CommunityOf(owner);
            var hours = $"volunteer/{owner}/hours";
            var points = $"volunteer/{owner}/points";
            switch (code, kind)
            {
                // Service: under the community whose issuing account pays it; the volunteer's standing is in their own.
                case (TransferCode.Service, TransferKind.Posted) when ledger == LedgerKind.Hours && row.CreditAccount == hours:
                    Count(Issuer(row.DebitAccount, "hours"), MinutesCredited, row.Category, row.Amount);
                    Rank(own, owner, row.RecordedAt, row.Amount);
                    _services.Add((own, owner, month));
                    break;
                case (TransferCode.Service, TransferKind.Posted) when ledger == LedgerKind.Points && row.CreditAccount == points:
                    Count(Issuer(row.DebitAccount, "points"), PointsIssued, row.Category, row.Amount);
                    _pointsCreditedNet[owner] = _pointsCreditedNet.GetValueOrDefault(owner) + row.Amount;
                    break;
                case (TransferCode.Reversal, TransferKind.Posted) when ledger == LedgerKind.Hours && row.DebitAccount == hours && row.CreditAccount.StartsWith("community/", StringComparison.Ordinal):
                    Count(Issuer(row.CreditAccount, "hours"), MinutesReversed, row.Category, row.Amount);
                    Rank(own, owner, row.RecordedAt, -row.Amount);
                    break;
                case (TransferCode.Reversal, TransferKind.Posted) when ledger == LedgerKind.Points && row.DebitAccount == points:
                    Count(Issuer(row.CreditAccount, "points"), PointsReversed, row.Category, row.Amount);
                    _pointsCreditedNet[owner] -= row.Amount;
                    break;

                // A reversed transfer: the recipient gives the hours back toward transit (not a figure); the payer gets them (the figure).
                case (TransferCode.Reversal, TransferKind.Posted) when ledger == LedgerKind.Hours && row.DebitAccount == hours && row.CreditAccount == AccountNames.HoursInTransit:
                    break;
                case (TransferCode.Reversal, TransferKind.Posted) when ledger == LedgerKind.Hours && row.DebitAccount == AccountNames.HoursInTransit && row.CreditAccount == hours:
                    Count(own, TransfersReversed, "", row.Amount);
                    break;

                // Points spent, under the volunteer's community: a store's sale (its hold posted) or a posted HoldPoints hold, whole or in part.
                case (TransferCode.Redemption, TransferKind.PostPending) when ledger == LedgerKind.Points && row.DebitAccount == points:
                    Count(own, PointsRedeemed, row.Category, row.Amount);
                    break;
                case (TransferCode.Redemption, TransferKind.Pending or TransferKind.VoidPending) when ledger == LedgerKind.Points:
                    break;
                case (TransferCode.Refund, TransferKind.Posted) when ledger == LedgerKind.Points && row.CreditAccount == points:
                    Count(own, PointsRefunded, row.Category, row.Amount);
                    break;

                // A transfer completes when the payer's hold on the hours is posted: the reference names the recipient.
                case (TransferCode.Gift or TransferCode.Exchange, TransferKind.PostPending) when ledger == LedgerKind.Hours && row.DebitAccount == hours:
                    var to = _world.CommunityOf(row.Reference);
                    if (to == own)
                    {
                        Count(own, Within, "", row.Amount);
                    }
                    else
                    {
                        Count(own, Out, "", row.Amount);
                        Count(to, In, "", row.Amount);
                    }

                    break;
                case (TransferCode.Gift or TransferCode.Exchange, TransferKind.Pending or TransferKind.VoidPending) when ledger == LedgerKind.Hours && row.DebitAccount == hours:
                case (TransferCode.Gift or TransferCode.Exchange, TransferKind.Posted) when ledger == LedgerKind.Hours && row.CreditAccount == hours:
                    break;
                default:
                    throw new Xunit.Sdk.XunitException($"A volunteer row the recount does not know: {what}");
            }
        }

        private static string Issuer(string account, string ledger)
        {
            var parts = account.Split('/');
            Assert.True(parts is ["community", _, _] && parts[2] == $"{ledger}-issued", $"{account} is not an issuing account of {ledger}");
            return parts[1];
        }

        private void Rank(string community, string volunteer, DateTimeOffset at, long minutes)
        {
            foreach (var period in new[] { Periods.Month(at), Periods.Year(at), Periods.AllTime })
            {
                _standings[(community, volunteer, period)] = _standings.GetValueOrDefault((community, volunteer, period)) + minutes;
            }
        }

        /// <summary>The workload must have made every figure, or a figure could be wrong unseen.</summary>
        public void AssertWorkloadCoveredEveryFigure()
        {
            foreach (var figure in new[] { Registered, Held, MinutesCredited, MinutesReversed, PointsIssued, PointsReversed, PointsRedeemed, PointsRefunded, In, Out, Within, TransfersReversed, Donated, Reserved, Released, PaidOut })
            {
                Assert.True(_facts.Any(f => f.Figure == figure), $"The workload made no {figure}.");
            }

            Assert.Equal(["CNY", "EUR"], _facts.Where(f => f.Currency.Length > 0).Select(f => f.Currency).Distinct().Order(StringComparer.Ordinal));
            Assert.Equal(Months.Length, _facts.Select(f => f.Month).Distinct().Count());
        }

        /// <summary>GetTotals as the proto defines it, from the facts recounted.</summary>
        public CommunityTotals Expected(string? community, string from, string to, DateTimeOffset asOf)
        {
            var (low, high) = (from.Length == 0 ? "0000-01" : from, to.Length == 0 ? "9999-12" : to);
            bool InRange(string month) => string.CompareOrdinal(month, low) >= 0 && string.CompareOrdinal(month, high) <= 0;
            var mine = _facts.Where(f => community is null || f.Community == community).ToList();
            var facts = mine.Where(f => InRange(f.Month)).ToList();
            var services = _services.Where(s => (community is null || s.Community == community) && InRange(s.Month)).ToList();
            long RegisteredUpTo(string month) => mine.Where(f => f.Figure == Registered && string.CompareOrdinal(f.Month, month) <= 0).Sum(f => f.Amount);
            long Active(IEnumerable<(string Community, string Volunteer, string Month)> of) => of.Select(s => (s.Community, s.Volunteer)).Distinct().Count();

            var total = Figures(facts, facts.Where(f => f.Figure == Registered).Sum(f => f.Amount), RegisteredUpTo(high), Active(services));
            var byCategory = facts.Select(f => f.Category).Distinct().Order(StringComparer.Ordinal)
                .Select(c => new CategoryFigures(c, Figures(facts.Where(f => f.Category == c), 0, 0, 0)))
                .Where(c => !Empty(c.Figures)) // the proto: a category with no figure is left out
                .ToList();
            var byMonth = facts.Select(f => f.Month).Concat(services.Select(s => s.Month)).Distinct().Order(StringComparer.Ordinal)
                .Select(m => new MonthFigures(m, Figures(
                    facts.Where(f => f.Month == m), facts.Where(f => f.Month == m && f.Figure == Registered).Sum(f => f.Amount), RegisteredUpTo(m), Active(services.Where(s => s.Month == m)))))
                .ToList();
            var cells = facts.GroupBy(f => (f.Month, f.Category))
                .OrderBy(g => g.Key.Month, StringComparer.Ordinal).ThenBy(g => g.Key.Category, StringComparer.Ordinal)
                .Select(g => new ReportCell(g.Key.Month, g.Key.Category, Figures(g, 0, 0, 0)))
                .Where(c => !Empty(c.Figures))
                .ToList();
            return new CommunityTotals(community ?? "", from, to, total, byCategory, byMonth, asOf, cells);
        }

        /// <summary>The leaderboard as the proto defines it: positive minutes, highest first, top N and all tied with the last shown, competition ranks.</summary>
        public IReadOnlyList<LeaderboardEntry> Board(string? community, string period, int top)
        {
            var standings = _standings
                .Where(s => (community is null || s.Key.Community == community) && s.Key.Period == period && s.Value > 0)
                .OrderByDescending(s => s.Value).ThenBy(s => s.Key.Volunteer, StringComparer.Ordinal)
                .ToList();
            var shown = standings.Where((s, i) => i < top || s.Value == standings[top - 1].Value).ToList();
            return shown.Select(s => new LeaderboardEntry(1 + standings.Count(o => o.Value > s.Value), s.Key.Volunteer, s.Key.Volunteer.ToUpperInvariant(), s.Key.Community, s.Value))
                .OrderBy(e => e.Rank).ThenBy(e => e.VolunteerId, StringComparer.Ordinal)
                .ToList();
        }

        private static bool Empty(ReportFigures f)
            => f.Money.Count == 0 && f == new ReportFigures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, f.Money); // the same list: records compare it by reference

        private static ReportFigures Figures(IEnumerable<Fact> facts, long registered, long registeredTotal, long active)
        {
            var list = facts.ToList();
            long Sum(string figure, string currency = "") => list.Where(f => f.Figure == figure && f.Currency == currency).Sum(f => f.Amount);
            var money = list.Where(f => f.Currency.Length > 0).Select(f => f.Currency).Distinct().Order(StringComparer.Ordinal)
                .Select(c => new MoneyFigures(c, Sum(Donated, c), Sum(Reserved, c), Sum(Released, c), Sum(PaidOut, c)))
                .ToList();
            return new ReportFigures(
                registered, registeredTotal, active, Sum(Held), Sum(MinutesCredited), Sum(MinutesReversed), Sum(PointsIssued), Sum(PointsReversed),
                Sum(PointsRedeemed), Sum(PointsRefunded), Sum(In), Sum(Out), Sum(Within), Sum(TransfersReversed), money);
        }

        private sealed record Fact(string Community, string Figure, string Month, string Category, string Currency, long Amount);
    }

    /// <summary>Crashes a saga between its steps now and then: what is stored stays, the rest is a retry's or the reminder's.</summary>
    private sealed class Faults(double rate)
    {
        private readonly Random _random = new(31);
        private int _crashes;

        public int Crashes => Volatile.Read(ref _crashes);

        public TimeBankGrainOptions Options => new() { StepHook = Hook };

        private Task Hook(string step)
        {
            if (!CrashSteps.Contains(step))
            {
                return Task.CompletedTask;
            }

            lock (_random)
            {
                if (_random.NextDouble() >= rate)
                {
                    return Task.CompletedTask;
                }
            }

            Interlocked.Increment(ref _crashes);
            throw new StoreSales.SimulatedCrashException(step);
        }
    }

    /// <summary>The workload, and what it knows that the journal does not say: communities, registrations, activities held.</summary>
    private sealed class World(GrainTestHost test, ManualClock clock)
    {
        private readonly ConcurrentDictionary<string, string> _communities = new(StringComparer.Ordinal);
        private readonly ConcurrentBag<(string Community, string Month)> _registrations = [];
        private readonly ConcurrentBag<(string Community, string Category, string Month)> _held = [];
        private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
        private readonly SemaphoreSlim _reminders = new(1, 1);

        /// <summary>Transfers a reversal was asked for, each once (a worker lives a month; a transfer may be reversed months later).</summary>
        private readonly ConcurrentDictionary<string, bool> _reversed = new(StringComparer.Ordinal);
        private readonly Random _seeds = new(12);

        public Faults Faults { get; } = new(Long ? 0.03 : 0.08);

        public IReadOnlyCollection<string> Volunteers => _communities.Keys.ToArray();

        public IEnumerable<(string Community, string Month)> Registrations => _registrations;

        public IEnumerable<(string Community, string Category, string Month)> ActivitiesHeld => _held;

        public string CommunityOf(string volunteer) => _communities.TryGetValue(volunteer, out var community) ? community : throw new Xunit.Sdk.XunitException($"No volunteer {volunteer}");

        public (string Community, string Currency) FundOf(string fund) => FundsOpened.Where(f => f.Id == fund).Select(f => (f.Community, f.Currency)).Single();

        public void Registered(string volunteer, string community, string month)
        {
            _communities[volunteer] = community;
            _registrations.Add((community, month));
        }

        public void Held(string community, string category, string month) => _held.Add((community, category, month));

        public int Counted(string what) => _counts.GetValueOrDefault(what);

        public string Describe()
            => $"{_communities.Count} volunteers, {Faults.Crashes} injected crashes; " + string.Join(", ", _counts.ToArray().OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} x{c.Value}"));

        private void Count(string what) => _counts.AddOrUpdate(what, 1, (_, n) => n + 1);

        private Random NewRandom()
        {
            lock (_seeds)
            {
                return new Random(_seeds.Next());
            }
        }

        public async Task OpenStoresAndFundsAsync()
        {
            foreach (var (id, community, served) in Stores)
            {
                var store = test.Host.GetGrain<IStoreGrain>(id);
                Assert.True((await store.OpenStoreAsync(new OpenStore(TestRequests.NewKey(), community, $"Store {id}", served))).Succeeded);
                foreach (var (item, price) in Prices)
                {
                    Assert.True((await store.UpsertItemAsync(new UpsertItem(TestRequests.NewKey(), item, item, price, Active: true))).Succeeded);
                    Assert.True((await store.RestockAsync(new Restock(TestRequests.NewKey(), item, 10_000, StockSource.Bought))).Succeeded);
                }
            }

            foreach (var (id, community, currency, purposes) in FundsOpened)
            {
                var created = await test.Host.GetGrain<IFundGrain>(id).CreateFundAsync(new CreateFund(
                    TestRequests.NewKey(), community, FundKind.Community, $"Fund {id}", currency, purposes, ["ana", "bo", "cy"], 2));
                Assert.True(created.Succeeded, created.ToString());
            }
        }

        /// <summary>
        /// One month: new volunteers register (some twice), then concurrently every volunteer works, each community
        /// publishes an activity that any community's volunteers sign up for, and each fund takes donations and
        /// decides allocations; two hours later the activities' attendance is confirmed while volunteers work again.
        /// </summary>
        public async Task RunMonthAsync(int month)
        {
            var cancel = TestContext.Current.CancellationToken;
            var now = Periods.Month(clock.GetUtcNow());
            var joining = Communities.SelectMany(c => Enumerable.Range(0, month == 0 ? 6 * Scale : 2 * Scale).Select(i => (Id: $"{c[0]}{month}{i:D2}", Community: c))).ToArray();
            await Task.WhenAll(joining.Select(v => Task.Run(async () =>
            {
                var command = new RegisterVolunteer(TestRequests.NewKey(), v.Id.ToUpperInvariant(), v.Community);
                var answers = await Task.WhenAll(Enumerable.Range(0, v.Id.EndsWith('1') ? 2 : 1).Select(_ => test.Volunteer(v.Id).RegisterVolunteerAsync(command)));
                Assert.All(answers, a => Assert.True(a is { Succeeded: true, Value.Created: true }, a.ToString()));
                Assert.Single(answers.Select(a => JsonSerializer.Serialize(a.Value, Json)).Distinct()); // a retry is answered as the original, and counts nobody again
                Registered(v.Id, v.Community, now);
            }, cancel)));

            var volunteers = Volunteers.Order(StringComparer.Ordinal).ToArray();
            var activities = new ConcurrentBag<(string Id, string Community, string Category, long Minutes, string[] Attendees)>();
            var work = volunteers.Select(v => new Worker(this, v, NewRandom())).ToArray();
            var first = work.Select(w => Task.Run(w.RunAsync, cancel))
                .Concat(Communities.Select((c, i) => Task.Run(() => PublishAsync(month, c, volunteers, NewRandom(), activities), cancel)))
                .Concat(FundsOpened.Select(f => Task.Run(() => FundAsync(month, f.Id, f.Purposes, NewRandom()), cancel)));
            await Task.WhenAll(first);

            clock.Advance(TimeSpan.FromHours(2)); // the activities have started
            var second = work.Select(w => Task.Run(w.RunAsync, cancel))
                .Concat(activities.Select(a => Task.Run(() => ConfirmAsync(a.Id, a.Community, a.Category, a.Minutes, a.Attendees, NewRandom()), cancel)));
            await Task.WhenAll(second);
        }

        private async Task PublishAsync(int month, string community, string[] volunteers, Random random, ConcurrentBag<(string, string, string, long, string[])> activities)
        {
            var id = $"act-{community}-{month}";
            var category = Categories[1 + random.Next(Categories.Length - 1)];
            var start = clock.GetUtcNow().AddHours(1);
            var minutes = 60 + (30 * random.Next(4));
            var published = await test.Host.GetGrain<IActivityGrain>(id).PublishActivityAsync(new PublishActivity(
                TestRequests.NewKey(), community, category, $"Activity {id}", "", "Hall", start, start.AddHours(3), minutes, 1_000, start.AddMinutes(-30), OpenToOtherCommunities: true));
            Assert.True(published.Succeeded, published.ToString());
            var attendees = volunteers.OrderBy(_ => random.Next()).Take(3 + random.Next(4)).ToArray();
            foreach (var volunteer in attendees)
            {
                var signed = await test.Host.GetGrain<IActivityGrain>(id).SignUpAsync(new SignUp(TestRequests.NewKey(), volunteer));
                Assert.True(signed.Succeeded, signed.ToString());
            }

            // One activity is never confirmed: not held, nobody credited.
            if (!(community == "old-town" && month == 1))
            {
                activities.Add((id, community, category, minutes, attendees));
            }
        }

        /// <summary>Attendance in one or two confirmations, each retried until it has a definite answer; held once whatever the repeats.</summary>
        private async Task ConfirmAsync(string id, string community, string category, long minutes, string[] attendees, Random random)
        {
            var split = random.Next(2) == 0 ? attendees.Length : 1 + random.Next(attendees.Length - 1);
            foreach (var batch in new[] { attendees[..split], attendees[split..] }.Where(b => b.Length > 0))
            {
                var command = new ConfirmAttendance(TestRequests.NewKey(), batch.Select(v => new AttendanceEntry(v, 1 + random.Next((int)minutes))).ToArray());
                var answer = await DefiniteAsync($"confirm {id}", h => h.GetGrain<IActivityGrain>(id).ConfirmAttendanceAsync(command), random, mayLeave: false);
                Assert.True(answer is { Succeeded: true }, answer.ToString());
            }

            Held(community, category, Periods.Month(clock.GetUtcNow()));
        }

        private async Task FundAsync(int month, string fundId, string[] purposes, Random random)
        {
            var fund = test.Host.GetGrain<IFundGrain>(fundId);
            for (var d = 0; d < 4 * Scale; d++)
            {
                var earmark = random.Next(3) == 0 ? "" : purposes[random.Next(purposes.Length)];
                var command = new Donate(TestRequests.NewKey(), "Mrs Li", 50 + random.Next(500), "", earmark, $"bank-{Guid.NewGuid():N}");
                await SendAsync($"donate to {fundId}", h => h.GetGrain<IFundGrain>(fundId).DonateAsync(command), random, twice: random.Next(4) == 0);
            }

            for (var p = 0; p < 2 * Scale; p++)
            {
                var proposed = await fund.ProposeAllocationAsync(new ProposeAllocation(
                    TestRequests.NewKey(), new CallerMember("ana"), "Builder", 100 + random.Next(600), purposes[random.Next(purposes.Length)], "Work"));
                if (proposed.Reason() == ErrorReasons.InsufficientFunds)
                {
                    Count("proposal refused for want of money");
                    continue;
                }

                Assert.True(proposed.Succeeded, proposed.ToString());
                var proposal = proposed.Value!.ProposalId;
                Assert.True((await fund.VoteAsync(new Vote(TestRequests.NewKey(), new CallerMember("bo"), proposal, true))).Succeeded);
                var vote = new Vote(TestRequests.NewKey(), new CallerMember("cy"), proposal, true);
                var decided = await SendAsync($"vote on {fundId}", h => h.GetGrain<IFundGrain>(fundId).VoteAsync(vote), random, twice: random.Next(3) == 0);
                if (decided is not { Succeeded: true, Value.Status: ProposalStatus.Approved })
                {
                    Count("allocation rejected");
                    continue;
                }

                // Paid out, or cancelled (its money released); in the last month one of them stays reserved.
                if (p % 2 == 0)
                {
                    var pay = new PayOut(TestRequests.NewKey(), proposal, $"wire-{Guid.NewGuid():N}");
                    await SendAsync($"pay out of {fundId}", h => h.GetGrain<IFundGrain>(fundId).PayOutAsync(pay), random, twice: random.Next(3) == 0);
                }
                else if (month < Months.Length - 1)
                {
                    var cancel = new CancelAllocation(TestRequests.NewKey(), proposal, "Not needed");
                    await SendAsync($"cancel at {fundId}", h => h.GetGrain<IFundGrain>(fundId).CancelAllocationAsync(cancel), random, twice: random.Next(3) == 0);
                }
            }
        }

        /// <summary>Sends once, or twice at once (a retry racing its original); a success or the expected refusal, the same for both.</summary>
        public async Task<Result<T>?> SendAsync<T>(string what, Func<GrainHost, Task<Result<T>>> send, Random random, bool twice = false, bool mayLeave = false, params ErrorReason[] refusals)
            where T : class
        {
            if (twice)
            {
                Count("sent twice");
            }

            var answers = await Task.WhenAll(Enumerable.Range(0, twice ? 2 : 1).Select(_ => DefiniteAsync(what, send, random, mayLeave)));
            foreach (var answer in answers.OfType<Result<T>>())
            {
                if (!answer.Succeeded)
                {
                    Assert.True(refusals.Contains(answer.Failure!.Reason), $"{what}: {answer}");
                    Count($"refused {answer.Failure.Reason.Code}");
                }
            }

            var definite = answers.OfType<Result<T>>().Select(a => JsonSerializer.Serialize(a.Succeeded ? (object?)a.Value : a.Failure!.Reason.Code, Json)).Distinct().ToArray();
            Assert.True(definite.Length <= 1, $"{what} was answered differently: {string.Join(" / ", definite)}");
            return answers.OfType<Result<T>>().FirstOrDefault();
        }

        /// <summary>
        /// Sends until the answer is definite. A crash (an exception) is retried with the same request, or, when
        /// <paramref name="mayLeave"/>, sometimes left to the reminder (null). Under way elsewhere: fire what is due, then again.
        /// </summary>
        private async Task<Result<T>?> DefiniteAsync<T>(string what, Func<GrainHost, Task<Result<T>>> send, Random random, bool mayLeave)
            where T : class
        {
            for (var attempt = 1; ; attempt++)
            {
                if (attempt >= 100)
                {
                    Assert.Fail($"{what} got no definite answer in {attempt} attempts. {Describe()}"); // described only then: the workload is still running
                }
                try
                {
                    var answer = await send(test.Host);
                    if (answer.Succeeded || answer.Failure!.Reason.Status is not (Rpc.StatusCode.Aborted or Rpc.StatusCode.Unavailable)
                        && answer.Failure.Reason != ErrorReasons.TransferInProgress && answer.Failure.Reason != ErrorReasons.RedemptionInProgress)
                    {
                        return answer;
                    }

                    Count($"retried after {answer.Failure.Reason.Code}");
                    await FireRemindersAsync();
                }
                catch (Exception e) when (e is not Xunit.Sdk.IAssertionException)
                {
                    if (mayLeave && random.Next(2) == 0)
                    {
                        Count("left to the reminder");
                        return null;
                    }

                    Count("retried after a crash");
                }

                await Task.Delay(random.Next(1, 5));
            }
        }

        private async Task FireRemindersAsync()
        {
            await _reminders.WaitAsync();
            try
            {
                clock.Advance(TimeSpan.FromSeconds(6));
                await test.Host.FireDueRemindersAsync(TestContext.Current.CancellationToken);
            }
            finally
            {
                _reminders.Release();
            }
        }

        /// <summary>Fires reminders until no saga is under way (a grain keeps its reminder exactly while one is).</summary>
        public async Task FinishWhatIsUnderWayAsync()
        {
            for (var round = 0; ; round++)
            {
                var due = (await test.Storage.ReadDueRemindersAsync(clock.GetUtcNow().AddMinutes(1), 1_000, TestContext.Current.CancellationToken))
                    .Where(r => !r.GrainId.StartsWith("fund/", StringComparison.Ordinal))
                    .ToArray();
                if (due.Length == 0)
                {
                    return;
                }

                Assert.True(round < 30, $"Still under way: {string.Join(", ", due.Select(r => $"{r.GrainId} at {r.DueAt:O}"))}");
                await FireRemindersAsync();
            }
        }

        /// <summary>One volunteer's work for a while: a few operations picked at random, each sometimes sent twice at once.</summary>
        private sealed class Worker(World world, string id, Random random)
        {
            private readonly List<(string Store, string Receipt, Dictionary<string, long> Left)> _receipts = [];

            private GrainTestHost Test => world.Test;

            public async Task RunAsync()
            {
                for (var i = 0; i < 3 * Scale; i++)
                {
                    var roll = random.Next(100);
                    var twice = random.Next(4) == 0;
                    await (roll switch
                    {
                        < 30 => DepositAsync(twice),
                        < 48 => TransferAsync(twice),
                        < 56 => HoldAsync(twice),
                        < 70 => BuyAsync(twice),
                        < 78 => RefundAsync(twice),
                        < 90 => ReverseServiceAsync(twice),
                        _ => ReverseTransferAsync(twice),
                    });
                }
            }

            private async Task DepositAsync(bool twice)
            {
                var command = new DepositHours(TestRequests.NewKey(), "park", 15 + random.Next(225), Categories[random.Next(Categories.Length)]);
                var answer = await world.SendAsync("deposit", h => h.GetGrain<IVolunteerGrain>(id).DepositHoursAsync(command), random, twice);
                Assert.True(answer is { Succeeded: true }, answer.ToString());
            }

            private async Task TransferAsync(bool twice)
            {
                var others = world.Volunteers.Where(v => v != id).ToArray();
                var sameCommunity = others.Where(v => world.CommunityOf(v) == world.CommunityOf(id)).ToArray();
                var to = random.Next(2) == 0 && sameCommunity.Length > 0 ? sameCommunity[random.Next(sameCommunity.Length)] : others[random.Next(others.Length)];
                var command = new TransferHours(TestRequests.NewKey(), to, 5 + random.Next(55), random.Next(2) == 0 ? TransferCode.Gift : TransferCode.Exchange);
                await world.SendAsync("transfer", h => h.GetGrain<IVolunteerGrain>(id).TransferHoursAsync(command), random, twice, mayLeave: true, refusals: [ErrorReasons.InsufficientHours]);
            }

            private async Task HoldAsync(bool twice)
            {
                var available = (await Test.Volunteer(id).GetBalanceAsync()).Value!.PointsAvailable;
                if (available < 2)
                {
                    return;
                }

                var points = 2 + random.Next((int)Math.Min(available - 1, 30));
                var hold = new HoldPoints(TestRequests.NewKey(), points, "basket");
                var held = await world.SendAsync("hold", h => h.GetGrain<IVolunteerGrain>(id).HoldPointsAsync(hold), random, twice, refusals: [ErrorReasons.InsufficientPoints]);
                if (held is not { Succeeded: true, Value: { } receipt })
                {
                    return;
                }

                var settle = random.Next(3);
                var answer = settle == 2
                    ? await world.SendAsync("void", h => h.GetGrain<IVolunteerGrain>(id).VoidHoldAsync(new VoidHold(TestRequests.NewKey(), receipt.HoldId)), random)
                    : await world.SendAsync("post", h => h.GetGrain<IVolunteerGrain>(id).PostHoldAsync(new PostHold(TestRequests.NewKey(), receipt.HoldId, settle == 0 ? 0 : 1 + random.Next((int)points))), random);
                Assert.True(answer is { Succeeded: true }, answer.ToString());
            }

            private async Task BuyAsync(bool twice)
            {
                var community = world.CommunityOf(id);
                var stores = Stores.Where(s => s.Community == community || s.Served.Contains(community)).ToArray();
                var store = stores[random.Next(stores.Length)].Id;
                var lines = Prices.Keys.OrderBy(_ => random.Next()).Take(1 + random.Next(2)).Select(item => new BasketLine(item, 1 + random.Next(3))).ToArray();
                var command = new Redeem(TestRequests.NewKey(), id, lines, lines.Sum(l => l.Quantity * Prices[l.ItemId]));
                var sold = await world.SendAsync("sale", h => h.GetGrain<IStoreGrain>(store).RedeemAsync(command), random, twice, mayLeave: true, refusals: [ErrorReasons.InsufficientPoints]);
                if (sold is { Succeeded: true, Value: { } redemption })
                {
                    _receipts.Add((store, redemption.Receipt.ReceiptId, lines.ToDictionary(l => l.ItemId, l => l.Quantity, StringComparer.Ordinal)));
                }
            }

            /// <summary>A whole refund (all not yet refunded) or a part (one unit of one line).</summary>
            private async Task RefundAsync(bool twice)
            {
                var open = _receipts.Where(r => r.Left.Values.Any(q => q > 0)).ToArray();
                if (open.Length == 0)
                {
                    await BuyAsync(twice);
                    return;
                }

                var (store, receipt, left) = open[random.Next(open.Length)];
                BasketLine[] lines = [];
                if (random.Next(2) == 0)
                {
                    var item = left.Where(l => l.Value > 0).Select(l => l.Key).OrderBy(_ => random.Next()).First();
                    lines = [new BasketLine(item, 1)];
                    left[item]--;
                }
                else
                {
                    left.Clear();
                }

                var command = new Refund(TestRequests.NewKey(), receipt, lines);
                await world.SendAsync("refund", h => h.GetGrain<IStoreGrain>(store).RefundAsync(command), random, twice, mayLeave: true);
                world.Count(lines.Length == 0 ? "refund whole" : "refund in part");
            }

            /// <summary>Reverses a service row of this volunteer's journal (a deposit's hours or points, or an activity's credit).</summary>
            private async Task ReverseServiceAsync(bool twice)
            {
                var rows = await Test.Storage.ReadJournalAsync($"volunteer/{id}", 0, 100_000, TestContext.Current.CancellationToken);
                var candidates = rows.Where(r => r.Code == (int)TransferCode.Service && r.Kind == (int)TransferKind.Posted && !world._reversed.ContainsKey(TransferId(r))).ToArray();
                if (candidates.Length == 0)
                {
                    await DepositAsync(twice);
                    return;
                }

                var row = candidates[random.Next(candidates.Length)];
                world._reversed[TransferId(row)] = true;
                var command = new ReverseTransfer(TestRequests.NewKey(), TransferId(row), "Entered twice");
                await world.SendAsync("reverse service", h => h.GetGrain<IVolunteerGrain>(id).ReverseTransferAsync(command), random, twice, refusals: [ErrorReasons.InsufficientHours, ErrorReasons.InsufficientPoints]);
                world.Count(row.Ledger == (int)LedgerKind.Hours ? "reversed hours" : "reversed points");
            }

            /// <summary>Reverses a completed transfer this volunteer paid (the recipient gives the hours back, within its limit).</summary>
            private async Task ReverseTransferAsync(bool twice)
            {
                var rows = await Test.Storage.ReadJournalAsync($"volunteer/{id}", 0, 100_000, TestContext.Current.CancellationToken);
                var completed = rows.Where(r => r.Kind == (int)TransferKind.PostPending && r.Ledger == (int)LedgerKind.Hours && r.Code is (int)TransferCode.Gift or (int)TransferCode.Exchange)
                    .Select(r => r.PendingId)
                    .Where(t => !world._reversed.ContainsKey(t))
                    .ToArray();
                if (completed.Length == 0)
                {
                    await TransferAsync(twice);
                    return;
                }

                var transfer = completed[random.Next(completed.Length)];
                world._reversed[transfer] = true;
                var command = new ReverseTransfer(TestRequests.NewKey(), transfer, "Sent by mistake");
                await world.SendAsync("reverse transfer", h => h.GetGrain<IVolunteerGrain>(id).ReverseTransferAsync(command), random, twice, mayLeave: true, refusals: [ErrorReasons.InsufficientHours]);
                world.Count("reversed a transfer");
            }

            private string TransferId(JournalEntry row) => $"volunteer/{id}#{row.Sequence}";
        }

        public GrainTestHost Test => test;
    }
}
