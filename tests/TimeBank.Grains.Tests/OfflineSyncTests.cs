using TimeBank.Grains.Stores;
using TimeBank.Testing;
using static TimeBank.Grains.Tests.StoreSales;
using ErrorReasons = TimeBank.Contracts.V1.ErrorReasons;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Tests;

/// <summary>
/// SetStoreRules and SyncOfflineRedemptions on every provider: each offline sale applied once, in order, at
/// the terminal's price and journaled at its own time; what cannot be honoured (points, daily limit, stock
/// count) recorded as a shortfall the store carries, never dropped, no balance below zero; malformed sales
/// refused alone.
/// </summary>
public sealed class OfflineSyncTests
{
    /// <summary>The store with an offline daily limit, the clock moved to 10:00 of its day.</summary>
    private static async Task<(GrainTestHost Test, ManualClock Clock)> StartAsync(string provider, long limit = 100)
    {
        var (test, clock) = await StoreSales.StartAsync(provider);
        var rules = await test.Store().SetStoreRulesAsync(new SetStoreRules(TestRequests.NewKey(), limit, 0));
        Assert.True(rules.Succeeded, rules.ToString());
        clock.Advance(TimeSpan.FromHours(10));
        return (test, clock);
    }

    private static OfflineSale Offline(string requestId, string volunteerId, DateTimeOffset soldAt, params (string Item, long Quantity, long Price)[] lines)
        => new(requestId, volunteerId, lines.Select(l => new OfflineLine(l.Item, l.Quantity, l.Price)).ToArray(), lines.Sum(l => l.Quantity * l.Price), soldAt);

    private static SyncOfflineRedemptions Sync(params OfflineSale[] sales) => new(TestRequests.NewKey(), sales);

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Store_rules_set_the_offline_daily_limit_and_say_when_nothing_changed(string provider)
    {
        var (test, _) = await StoreSales.StartAsync(provider);
        await using var __ = test;

        Assert.Equal(new StoreRules("corner", 250, 60, true), (await test.Store().SetStoreRulesAsync(new SetStoreRules(TestRequests.NewKey(), 250, 60))).Value);
        Assert.Equal(new StoreRules("corner", 250, 60, false), (await test.Store().SetStoreRulesAsync(new SetStoreRules(TestRequests.NewKey(), 250, 60))).Value);
        await test.RestartAsync();
        var state = await test.StoredStateAsync();
        Assert.Equal((250L, 60), (state.OfflineDailyLimitPoints, state.UtcOffsetMinutes));

        Assert.Equal(ErrorReasons.OfflineLimitOutOfRange, (await test.Store().SetStoreRulesAsync(new SetStoreRules(TestRequests.NewKey(), -1, 0))).Reason());
        Assert.Equal(ErrorReasons.OfflineLimitOutOfRange, (await test.Store().SetStoreRulesAsync(new SetStoreRules(TestRequests.NewKey(), 1_000_001, 0))).Reason());
        Assert.Equal(ErrorReasons.UtcOffsetOutOfRange, (await test.Store().SetStoreRulesAsync(new SetStoreRules(TestRequests.NewKey(), 5, 841))).Reason());
        Assert.Equal(ErrorReasons.UtcOffsetOutOfRange, (await test.Store().SetStoreRulesAsync(new SetStoreRules(TestRequests.NewKey(), 5, -841))).Reason());
        Assert.Equal(ErrorReasons.InvalidRequestId, (await test.Store().SetStoreRulesAsync(new SetStoreRules(TestRequests.Key("has space"), 5, 0))).Reason());
        Assert.Equal(ErrorReasons.StoreNotFound, (await test.Host.GetGrain<IStoreGrain>("nowhere").SetStoreRulesAsync(new SetStoreRules(TestRequests.NewKey(), 5, 0))).Reason());
        Assert.Equal(250, (await test.StoredStateAsync()).OfflineDailyLimitPoints);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Offline_sales_apply_once_in_order_at_the_terminals_price_journaled_at_the_time_they_were_made(string provider)
    {
        var (test, clock) = await StartAsync(provider);
        await using var __ = test;
        await VolunteerAsync(test, "ana", 15);
        var soldAt = clock.GetUtcNow().AddHours(-3).AddTicks(1234567); // not a whole microsecond
        var micros = new DateTimeOffset(soldAt.UtcTicks - (soldAt.UtcTicks % 10), TimeSpan.Zero);
        var batch = new[]
        {
            Offline("off-1", "ana", soldAt, ("soap", 2, 5)),
            Offline("off-2", "ana", soldAt.AddMinutes(5), ("tea", 1, 2)), // the terminal's older price: honoured
            Offline("off-3", "ana", soldAt.AddMinutes(9), ("rice", 1, 8)), // 3 points left: falls short, not the earlier ones
        };

        var synced = (await test.Store().SyncOfflineRedemptionsAsync(Sync(batch))).Value!;

        Assert.Equal([("off-1", true, ""), ("off-2", true, ""), ("off-3", true, "INSUFFICIENT_POINTS")], synced.Sales.Select(s => (s.RequestId, s.Applied, s.Reason)));
        var receipts = synced.Sales.Select(s => s.Receipt!).ToArray();
        Assert.Equal(["20261122-1", "20261122-2", "20261122-3"], receipts.Select(r => r.ReceiptId));
        Assert.All(receipts, r => Assert.True(r.Offline));
        Assert.Equal([micros, micros.AddMinutes(5), micros.AddMinutes(9)], receipts.Select(r => r.SoldAt));
        Assert.Equal([(10L, 0L), (2L, 0L), (0L, 8L)], receipts.Select(r => (r.PointsTaken, r.ShortfallPoints)));
        Assert.Equal(2, receipts[1].Lines.Single().UnitPricePoints);
        Assert.Equal(3, await test.PointsAsync("ana"));
        Assert.Equal(new Dictionary<string, long> { ["rice"] = 9, ["soap"] = 8, ["tea"] = 9 }, await test.StockAsync());

        var rows = (await test.PointRowsAsync("ana")).Where(r => r.Code == (int)TransferCode.Redemption).ToList();
        Assert.Equal([(micros, 10L), (micros.AddMinutes(5), 2L)], rows.Select(r => (r.RecordedAt, r.Amount)));
        Assert.All(rows, r => Assert.Equal(((int)TransferKind.Posted, "volunteer/ana/points", Redeemed), (r.Kind, r.DebitAccount, r.CreditAccount)));

        // A repeated sync (the terminal never heard back) answers the same and changes nothing.
        SameAnswer(synced, (await test.Store().SyncOfflineRedemptionsAsync(Sync(batch))).Value);
        await test.RestartAsync();
        SameAnswer(synced, (await test.Store().SyncOfflineRedemptionsAsync(Sync(batch))).Value);
        var resent = (await test.Store().SyncOfflineRedemptionsAsync(Sync(batch[1], Offline("off-4", "ana", soldAt.AddMinutes(20), ("tea", 1, 3))))).Value!;
        SameAnswer(synced.Sales[1], resent.Sales[0]);
        Assert.Equal(("20261122-4", 3L, 0L), (resent.Sales[1].Receipt!.ReceiptId, resent.Sales[1].Receipt!.PointsTaken, await test.PointsAsync("ana")));
        Assert.Equal(4, (await test.ReceiptsAsync()).Count);
        Assert.Equal(15, (await test.StoredStateAsync()).PointsRedeemed);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Sales_that_cannot_be_honoured_are_shortfalls_the_store_carries_and_malformed_ones_are_refused_alone(string provider)
    {
        var (test, clock) = await StartAsync(provider, limit: 100);
        await using var __ = test;
        await VolunteerAsync(test, "ana", 10);
        await VolunteerAsync(test, "ben", 50, "hillside");
        var at = clock.GetUtcNow().AddHours(-1);

        var synced = (await test.Store().SyncOfflineRedemptionsAsync(Sync(
            Offline("a", "ana", at, ("soap", 1, 5)),
            Offline("b", "ana", at, ("rice", 1, 8)), // ana has 5 left
            Offline("c", "ben", at, ("tea", 12, 3)), // the count said 10
            Offline("d", "ben", at, ("soap", 20, 5)), // 36 + 100 is past ben's 100 a day; soap has 9
            Offline("e", "ben", at, ("soap", 1, 5)) with { TotalPoints = 6 },
            Offline("f", "ben", at, ("flour", 1, 5)),
            Offline("g", "ben", at, ("rice", 1, 8))))).Value!;

        Assert.Equal(
            [
                ("a", true, ""), ("b", true, "INSUFFICIENT_POINTS"), ("c", true, "OUT_OF_STOCK"), ("d", true, "OFFLINE_LIMIT_EXCEEDED"),
                ("e", false, "OFFLINE_TOTAL_MISMATCH"), ("f", false, "ITEM_NOT_FOUND"), ("g", true, ""),
            ],
            synced.Sales.Select(s => (s.RequestId, s.Applied, s.Reason)));
        Assert.All(synced.Sales.Where(s => s.Reason.Length > 0), s => Assert.NotEqual("", s.Message));
        Assert.All(synced.Sales.Where(s => !s.Applied), s => Assert.Null(s.Receipt));
        var byId = synced.Sales.Where(s => s.Applied).ToDictionary(s => s.RequestId, s => s.Receipt!);
        Assert.Equal((0L, 8L, 0L), (byId["b"].PointsTaken, byId["b"].ShortfallPoints, byId["b"].Lines.Single().ShortUnits));
        Assert.Equal((36L, 0L, 2L), (byId["c"].PointsTaken, byId["c"].ShortfallPoints, byId["c"].Lines.Single().ShortUnits));
        Assert.Equal((0L, 100L, 11L), (byId["d"].PointsTaken, byId["d"].ShortfallPoints, byId["d"].Lines.Single().ShortUnits));
        Assert.Equal((8L, 0L), (byId["g"].PointsTaken, byId["g"].ShortfallPoints));

        Assert.Equal(5, await test.PointsAsync("ana"));
        Assert.Equal(6, await test.PointsAsync("ben"));
        Assert.Equal(new Dictionary<string, long> { ["rice"] = 8, ["soap"] = 0, ["tea"] = 0 }, await test.StockAsync());
        var state = await test.StoredStateAsync();
        Assert.Equal((49L, 108L, 13L), (state.PointsRedeemed, state.ShortfallPoints, state.ShortfallUnits));
        Assert.Equal(5, (await test.ReceiptsAsync()).Count);

        var day = (await test.Store().CloseDayAsync(new CloseDay(TestRequests.NewKey(), Today))).Value!;
        Assert.Equal((5L, 49L, 3L, 108L, 13L), (day.Receipts, day.PointsTaken, day.Shortfalls, day.ShortfallPoints, day.ShortfallUnits));
        Assert.Equal([new ItemCount("rice", 2), new ItemCount("soap", 21), new ItemCount("tea", 12)], day.ItemsOut);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Without_an_offline_limit_every_offline_sale_is_a_shortfall_and_takes_no_points(string provider)
    {
        var (test, clock) = await StartAsync(provider, limit: 0);
        await using var __ = test;
        await VolunteerAsync(test, "ana", 50);

        var outcome = (await test.Store().SyncOfflineRedemptionsAsync(Sync(Offline("a", "ana", clock.GetUtcNow().AddMinutes(-5), ("soap", 1, 5))))).Value!.Sales.Single();

        Assert.Equal((true, "OFFLINE_LIMIT_EXCEEDED", 0L, 5L), (outcome.Applied, outcome.Reason, outcome.Receipt!.PointsTaken, outcome.Receipt.ShortfallPoints));
        Assert.Equal(50, await test.PointsAsync("ana"));
        Assert.Equal(9, (await test.StockAsync())["soap"]);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_late_offline_sale_of_a_closed_day_counts_on_the_next_open_day_and_keeps_its_own_time(string provider)
    {
        var (test, clock) = await StartAsync(provider);
        await using var __ = test;
        await VolunteerAsync(test, "ana", 50);
        clock.Advance(TimeSpan.FromDays(1)); // 2026-11-23 10:00
        var closed = (await test.Store().CloseDayAsync(new CloseDay(TestRequests.NewKey(), Today))).Value!;
        var soldAt = new DateTimeOffset(2026, 11, 22, 15, 0, 0, TimeSpan.Zero);

        var receipt = (await test.Store().SyncOfflineRedemptionsAsync(Sync(Offline("a", "ana", soldAt, ("soap", 2, 5))))).Value!.Sales.Single().Receipt!;

        Assert.Equal(("20261123-1", "2026-11-23", soldAt, 10L), (receipt.ReceiptId, receipt.Day, receipt.SoldAt, receipt.PointsTaken));
        Assert.Equal(soldAt, (await test.PointRowsAsync("ana")).Single(r => r.Code == (int)TransferCode.Redemption).RecordedAt);
        SameAnswer(closed, (await test.Store().CloseDayAsync(new CloseDay(TestRequests.NewKey(), Today))).Value);
        Assert.Equal(0, closed.Receipts);
        Assert.Equal(10, (await test.Store().CloseDayAsync(new CloseDay(TestRequests.NewKey(), "2026-11-23"))).Value!.PointsTaken);
    }

    public static readonly TheoryData<string, string> OfflineSteps = GrainTestHost.OnEveryProvider("sale.reserved", "sale.recorded");

    [Theory]
    [MemberData(nameof(OfflineSteps))]
    public async Task An_offline_sale_cut_off_by_a_crash_is_finished_once_and_a_repeated_sync_answers_its_receipt(string provider, string step)
    {
        var (test, clock) = await StartAsync(provider);
        await using var __ = test;
        await VolunteerAsync(test, "ana", 50);
        await test.RestartAsync(CrashingAt(step));
        var sync = Sync(Offline("a", "ana", clock.GetUtcNow().AddHours(-1), ("soap", 2, 5)));

        await Assert.ThrowsAsync<SimulatedCrashException>(() => test.Store().SyncOfflineRedemptionsAsync(sync));
        await test.RestartAsync();
        await FireRemindersAsync(test, clock);

        Assert.Equal(40, await test.PointsAsync("ana"));
        Assert.Equal(8, (await test.StockAsync())["soap"]);
        var receipt = Assert.Single(await test.ReceiptsAsync());
        var outcome = (await test.Store().SyncOfflineRedemptionsAsync(sync)).Value!.Sales.Single();
        Assert.Equal((true, "", receipt.ReceiptId), (outcome.Applied, outcome.Reason, outcome.Receipt!.ReceiptId));
        Assert.Equal(40, await test.PointsAsync("ana"));
        Assert.Single(await test.PointRowsAsync("ana"), r => r.Code == (int)TransferCode.Redemption);
        Assert.Equal((10L, 0), ((await test.StoredStateAsync()).PointsRedeemed, (await test.StoredStateAsync()).PendingSales.Count));
    }

    public static readonly TheoryData<string, string> BadSyncs = new()
    {
        { "request-id", ErrorReasons.InvalidRequestId.Code },
        { "empty", ErrorReasons.InvalidOfflineBatch.Code },
        { "too-many", ErrorReasons.InvalidOfflineBatch.Code },
        { "duplicate-ids", ErrorReasons.InvalidOfflineBatch.Code },
        { "unknown-store", ErrorReasons.StoreNotFound.Code },
    };

    [Theory]
    [MemberData(nameof(BadSyncs))]
    public async Task Bad_batches_are_refused_whole_and_apply_nothing(string fault, string expected)
    {
        var (test, clock) = await StartAsync("memory");
        await using var __ = test;
        await VolunteerAsync(test, "ana", 50);
        var sale = Offline("a", "ana", clock.GetUtcNow().AddMinutes(-5), ("soap", 1, 5));

        var refused = fault switch
        {
            "request-id" => await test.Store().SyncOfflineRedemptionsAsync(new SyncOfflineRedemptions(TestRequests.Key("has space"), [sale])),
            "empty" => await test.Store().SyncOfflineRedemptionsAsync(Sync()),
            "too-many" => await test.Store().SyncOfflineRedemptionsAsync(Sync(Enumerable.Range(0, 501).Select(i => sale with { RequestId = $"s-{i}" }).ToArray())),
            "duplicate-ids" => await test.Store().SyncOfflineRedemptionsAsync(Sync(sale, sale with { SoldAt = sale.SoldAt.AddMinutes(1) })),
            "unknown-store" => await test.Host.GetGrain<IStoreGrain>("nowhere").SyncOfflineRedemptionsAsync(Sync(sale)),
            _ => await test.Store().SyncOfflineRedemptionsAsync(Sync(sale)),
        };

        Assert.Equal(expected, refused.Reason()?.Code);
        Assert.Equal(50, await test.PointsAsync("ana"));
        Assert.Equal(10, (await test.StockAsync())["soap"]);
        Assert.Empty(await test.ReceiptsAsync());
    }

    public static readonly TheoryData<string, string> BadSales = new()
    {
        { "request-id", ErrorReasons.InvalidRequestId.Code },
        { "volunteer-id", ErrorReasons.InvalidVolunteerId.Code },
        { "no-lines", ErrorReasons.InvalidBasket.Code },
        { "quantity-zero", ErrorReasons.InvalidBasket.Code },
        { "item-twice", ErrorReasons.InvalidBasket.Code },
        { "item-id", ErrorReasons.InvalidItemId.Code },
        { "price-zero", ErrorReasons.PriceOutOfRange.Code },
        { "total-mismatch", ErrorReasons.OfflineTotalMismatch.Code },
        { "sold-in-the-future", ErrorReasons.SoldAtOutOfRange.Code },
        { "sold-too-long-ago", ErrorReasons.SoldAtOutOfRange.Code },
        { "unknown-item", ErrorReasons.ItemNotFound.Code },
        { "unknown-volunteer", ErrorReasons.VolunteerNotFound.Code },
    };

    [Theory]
    [MemberData(nameof(BadSales))]
    public async Task A_malformed_sale_is_refused_alone_with_its_reason_and_the_rest_of_the_batch_applies(string fault, string expected)
    {
        var (test, clock) = await StartAsync("memory");
        await using var __ = test;
        await VolunteerAsync(test, "ana", 50);
        var now = clock.GetUtcNow();
        var good = Offline("good", "ana", now.AddMinutes(-5), ("soap", 1, 5));
        var bad = Offline("bad", "ana", now.AddMinutes(-4), ("tea", 1, 3));
        bad = fault switch
        {
            "request-id" => bad with { RequestId = "has space" },
            "volunteer-id" => bad with { VolunteerId = "bad id!" },
            "no-lines" => bad with { Lines = [], TotalPoints = 0 },
            "quantity-zero" => bad with { Lines = [new OfflineLine("tea", 0, 3)], TotalPoints = 0 },
            "item-twice" => bad with { Lines = [new OfflineLine("tea", 1, 3), new OfflineLine("tea", 1, 3)], TotalPoints = 6 },
            "item-id" => bad with { Lines = [new OfflineLine("bad id!", 1, 3)] },
            "price-zero" => bad with { Lines = [new OfflineLine("tea", 1, 0)], TotalPoints = 0 },
            "total-mismatch" => bad with { TotalPoints = 4 },
            "sold-in-the-future" => bad with { SoldAt = now.AddMinutes(6) },
            "sold-too-long-ago" => bad with { SoldAt = now.AddDays(-30).AddMinutes(-1) },
            "unknown-item" => bad with { Lines = [new OfflineLine("flour", 1, 3)] },
            "unknown-volunteer" => bad with { VolunteerId = "xavier" }, // a mistyped id: the terminal keeps the sale to correct it
            _ => bad,
        };

        var synced = (await test.Store().SyncOfflineRedemptionsAsync(Sync(bad, good))).Value!;

        Assert.Equal((false, expected), (synced.Sales[0].Applied, synced.Sales[0].Reason));
        Assert.Null(synced.Sales[0].Receipt);
        Assert.Equal((true, ""), (synced.Sales[1].Applied, synced.Sales[1].Reason));
        Assert.Equal(45, await test.PointsAsync("ana"));
        Assert.Equal(new Dictionary<string, long> { ["rice"] = 10, ["soap"] = 9, ["tea"] = 10 }, await test.StockAsync());
        Assert.Equal(["good"], (await test.ReceiptsAsync()).Select(r => r.RequestId));
    }
}
