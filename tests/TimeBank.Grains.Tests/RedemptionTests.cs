using TimeBank.Grains.Stores;
using TimeBank.Grains.Volunteers;
using static TimeBank.Grains.Tests.StoreSales;
using ErrorReasons = TimeBank.Contracts.V1.ErrorReasons;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Tests;

/// <summary>
/// Redeem on every provider: a sale's receipt, stock and points (held, then posted to the store's redeemed
/// account), retries, refusals that change nothing, the last unit sold once, and a sale cut off by a crash at
/// each of its steps, finished by the store's reminder exactly once.
/// </summary>
public sealed class RedemptionTests
{
    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_sale_answers_its_receipt_and_moves_the_points_to_the_stores_redeemed_account(string provider)
    {
        var (test, clock) = await StoreSales.StartAsync(provider);
        await using var _ = test;
        await VolunteerAsync(test, "ana", 50);
        await VolunteerAsync(test, "ben", 20, "hillside"); // a served community

        var sold = await test.Store().RedeemAsync(Sale("r-1", "ana", 21, ("soap", 2), ("rice", 1), ("tea", 1)));

        Assert.True(sold.Succeeded, sold.ToString());
        var receipt = sold.Value.Receipt;
        Assert.Equal(("20261122-1", "corner", "ana", 21L, 21L, 0L, Today, false, "r-1"),
            (receipt.ReceiptId, receipt.StoreId, receipt.VolunteerId, receipt.TotalPoints, receipt.PointsTaken, receipt.RefundedPoints, receipt.Day, receipt.Offline, receipt.RequestId));
        Assert.Equal(
            [new ReceiptLine("rice", "Rice, 5 kg", 1, 8), new ReceiptLine("soap", "Soap", 2, 5), new ReceiptLine("tea", "Tea", 1, 3)],
            receipt.Lines);
        Assert.Equal(clock.GetUtcNow(), receipt.SoldAt);
        Assert.Equal(29, sold.Value.PointsLeft);
        Assert.Equal(29, await test.PointsAsync("ana"));
        Assert.Equal(new Dictionary<string, long> { ["rice"] = 9, ["soap"] = 8, ["tea"] = 9 }, await test.StockAsync());

        var rows = (await test.PointRowsAsync("ana")).Where(r => r.Code == (int)TransferCode.Redemption).ToList();
        Assert.Equal([(int)TransferKind.Pending, (int)TransferKind.PostPending], rows.Select(r => r.Kind));
        Assert.All(rows, r => Assert.Equal(("volunteer/ana/points", Redeemed, 21L, TestRequests.CallerKeyId), (r.DebitAccount, r.CreditAccount, r.Amount, r.ActorKeyId)));
        var statement = (await test.Volunteer("ana").GetStatementAsync(new GetStatement(Code: TransferCode.Redemption))).Value!;
        Assert.Contains(statement.Lines, l => l.Kind == TransferKind.PostPending && l.CreditAccount == Redeemed && l.Amount == -21 && l.BalanceAfter == 29);

        var served = await test.Store().RedeemAsync(Sale("r-2", "ben", 5, ("soap", 1)));
        Assert.Equal(("20261122-2", 15L), (served.Value!.Receipt.ReceiptId, served.Value.PointsLeft));

        var state = await test.StoredStateAsync();
        Assert.Equal(26, state.PointsRedeemed);
        Assert.Empty(state.PendingSales);
        Assert.All(state.Items.Values, i => Assert.Equal(0, i.Reserved));
        SameAnswer<IReadOnlyList<Receipt>>([receipt, served.Value.Receipt], await test.ReceiptsAsync());
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_retry_with_the_same_request_id_answers_the_same_receipt_even_after_a_restart_and_sells_nothing_again(string provider)
    {
        var (test, _) = await StoreSales.StartAsync(provider);
        await using var __ = test;
        await VolunteerAsync(test, "ana", 50);
        var sale = Sale("r-1", "ana", 10, ("soap", 2));
        var first = (await test.Store().RedeemAsync(sale)).Value!;

        SameAnswer(first, (await test.Store().RedeemAsync(sale)).Value);
        await test.RestartAsync();
        SameAnswer(first, (await test.Store().RedeemAsync(sale)).Value);
        Assert.Equal(ErrorReasons.RequestIdReused, (await test.Store().RedeemAsync(Sale("r-1", "ana", 5, ("soap", 1)))).Reason());
        Assert.Equal(ErrorReasons.RequestIdReused, (await test.Store().RefundAsync(new Refund(TestRequests.Key("r-1"), first.Receipt.ReceiptId, []))).Reason());

        Assert.Equal(40, await test.PointsAsync("ana"));
        Assert.Equal(8, (await test.StockAsync())["soap"]);
        Assert.Single(await test.ReceiptsAsync());
        Assert.Equal(10, (await test.StoredStateAsync()).PointsRedeemed);
    }

    public static readonly TheoryData<string, string> Refusals = GrainTestHost.OnEveryProvider(
        ErrorReasons.PriceChanged.Code,
        ErrorReasons.InsufficientPoints.Code,
        ErrorReasons.OutOfStock.Code,
        ErrorReasons.VolunteerNotServed.Code,
        ErrorReasons.VolunteerNotFound.Code);

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_refused_sale_changes_no_stock_reservation_points_or_receipts_and_a_retry_is_refused_alike(string provider, string reason)
    {
        var (test, _) = await StoreSales.StartAsync(provider, soap: 3);
        await using var __ = test;
        await VolunteerAsync(test, "ana", 20);
        await VolunteerAsync(test, "olga", 50, "old-town"); // a community the store does not serve
        var before = await test.StoredStateAsync();
        var rowsBefore = await test.PointRowsAsync("ana");
        var sale = reason switch
        {
            "PRICE_CHANGED" => Sale("r-1", "ana", 9, ("soap", 2)),
            "INSUFFICIENT_POINTS" => Sale("r-1", "ana", 24, ("rice", 3)),
            "OUT_OF_STOCK" => Sale("r-1", "ana", 23, ("tea", 1), ("soap", 4)),
            "VOLUNTEER_NOT_SERVED" => Sale("r-1", "olga", 5, ("soap", 1)),
            _ => Sale("r-1", "ghost", 5, ("soap", 1)),
        };

        var refused = await test.Store().RedeemAsync(sale);

        Assert.Equal(reason, refused.Reason()?.Code);
        if (reason == "OUT_OF_STOCK")
        {
            Assert.Contains(new KeyValuePair<string, string>("item_id", "soap"), refused.Failure!.Facts);
            Assert.Contains("soap", refused.Failure.Message, StringComparison.Ordinal);
        }

        Assert.Equal(reason, (await test.Store().RedeemAsync(sale)).Reason()?.Code);
        var after = await test.StoredStateAsync();
        Assert.Equal(
            before.Items.ToDictionary(i => i.Key, i => (i.Value.Stock, i.Value.Reserved)),
            after.Items.ToDictionary(i => i.Key, i => (i.Value.Stock, i.Value.Reserved)));
        Assert.Equal((0L, 0), (after.PointsRedeemed, after.PendingSales.Count));
        Assert.Equal(20, await test.PointsAsync("ana"));
        Assert.Equal(50, await test.PointsAsync("olga"));
        Assert.Equal(rowsBefore.Count, (await test.PointRowsAsync("ana")).Count);
        Assert.Single(await test.PointRowsAsync("olga"));
        Assert.Empty(await test.ReceiptsAsync());

        // The stock it did not take is still there to sell.
        Assert.True((await test.Store().RedeemAsync(Sale("r-2", "ana", 15, ("soap", 3)))).Succeeded);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Two_terminals_selling_the_last_unit_at_once_sell_it_exactly_once(string provider)
    {
        var (test, _) = await StoreSales.StartAsync(provider, rice: 1);
        await using var __ = test;
        await VolunteerAsync(test, "ana", 20);
        await VolunteerAsync(test, "ben", 20);

        var sales = await Task.WhenAll(
            test.Store().RedeemAsync(new Redeem(TestRequests.Key("t1-1", "terminal-1"), "ana", [new BasketLine("rice", 1)], 8)),
            test.Store().RedeemAsync(new Redeem(TestRequests.Key("t2-1", "terminal-2"), "ben", [new BasketLine("rice", 1)], 8)));

        Assert.Single(sales, s => s.Succeeded);
        Assert.Equal(ErrorReasons.OutOfStock, Assert.Single(sales, s => !s.Succeeded).Reason());
        Assert.Equal(0, (await test.StockAsync())["rice"]);
        Assert.Equal(32, await test.PointsAsync("ana") + await test.PointsAsync("ben"));
        Assert.Single(await test.ReceiptsAsync());
        Assert.Equal(8, (await test.StoredStateAsync()).PointsRedeemed);
    }

    public static readonly TheoryData<string, string> SaleSteps = GrainTestHost.OnEveryProvider("sale.reserved", "sale.held", "sale.posted", "sale.recorded");

    [Theory]
    [MemberData(nameof(SaleSteps))]
    public async Task A_sale_cut_off_by_a_crash_at_any_step_is_finished_by_the_store_once_without_a_new_call(string provider, string step)
    {
        var (test, clock) = await StoreSales.StartAsync(provider);
        await using var __ = test;
        await VolunteerAsync(test, "ana", 50);
        await test.RestartAsync(CrashingAt(step));
        var sale = Sale("r-crash", "ana", 18, ("soap", 2), ("rice", 1));

        await Assert.ThrowsAsync<SimulatedCrashException>(() => test.Store().RedeemAsync(sale));
        await test.RestartAsync(); // the process died there; a new one starts on the same data
        Assert.Single((await test.StoredStateAsync()).PendingSales);
        await FireRemindersAsync(test, clock);

        var state = await test.StoredStateAsync();
        Assert.Empty(state.PendingSales);
        Assert.Equal(18, state.PointsRedeemed);
        Assert.Equal((8L, 0L, 9L, 0L), (state.Items["soap"].Stock, state.Items["soap"].Reserved, state.Items["rice"].Stock, state.Items["rice"].Reserved));
        Assert.Equal(32, await test.PointsAsync("ana"));
        var receipt = Assert.Single(await test.ReceiptsAsync());
        Assert.Equal(("20261122-1", 18L, "r-crash"), (receipt.ReceiptId, receipt.PointsTaken, receipt.RequestId));
        var rows = (await test.PointRowsAsync("ana")).Where(r => r.Code == (int)TransferCode.Redemption).ToList();
        Assert.Equal([(int)TransferKind.Pending, (int)TransferKind.PostPending], rows.Select(r => r.Kind));

        var retry = await test.Store().RedeemAsync(sale);
        Assert.True(retry.Succeeded, retry.ToString());
        SameAnswer(receipt, retry.Value.Receipt);
        Assert.Equal(32, retry.Value.PointsLeft);
        Assert.Equal(0, await test.Host.FireDueRemindersAsync(TestContext.Current.CancellationToken)); // nothing left under way
        Assert.Single(await test.ReceiptsAsync());
        Assert.Equal(32, await test.PointsAsync("ana"));
    }

    [Theory]
    [MemberData(nameof(SaleSteps))]
    public async Task A_retry_after_a_crash_finishes_the_sale_itself_before_the_reminder_and_the_reminder_adds_nothing(string provider, string step)
    {
        var (test, clock) = await StoreSales.StartAsync(provider);
        await using var __ = test;
        await VolunteerAsync(test, "ana", 50);
        await test.RestartAsync(CrashingAt(step));
        var sale = Sale("r-crash", "ana", 10, ("soap", 2));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => test.Store().RedeemAsync(sale));
        await test.RestartAsync();

        var retry = await test.Store().RedeemAsync(sale);
        Assert.True(retry.Succeeded, retry.ToString());
        Assert.Equal(("20261122-1", 40L), (retry.Value.Receipt.ReceiptId, retry.Value.PointsLeft));
        await FireRemindersAsync(test, clock);

        SameAnswer(retry.Value, (await test.Store().RedeemAsync(sale)).Value);
        Assert.Equal(40, await test.PointsAsync("ana"));
        Assert.Equal(8, (await test.StockAsync())["soap"]);
        Assert.Single(await test.ReceiptsAsync());
        Assert.Equal(10, (await test.StoredStateAsync()).PointsRedeemed);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_sale_cut_off_before_a_hold_the_volunteer_cannot_cover_is_undone_and_changes_nothing(string provider)
    {
        var (test, clock) = await StoreSales.StartAsync(provider);
        await using var __ = test;
        await VolunteerAsync(test, "ana", 10);
        await test.RestartAsync(CrashingAt("sale.reserved"));
        var sale = Sale("r-crash", "ana", 16, ("rice", 2));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => test.Store().RedeemAsync(sale));
        await test.RestartAsync();
        Assert.Equal(2, (await test.StoredStateAsync()).Items["rice"].Reserved); // reserved, not yet held

        await FireRemindersAsync(test, clock);

        var state = await test.StoredStateAsync();
        Assert.Empty(state.PendingSales);
        Assert.Equal((10L, 0L, 0L), (state.Items["rice"].Stock, state.Items["rice"].Reserved, state.PointsRedeemed));
        Assert.Equal(10, await test.PointsAsync("ana"));
        Assert.DoesNotContain(await test.PointRowsAsync("ana"), r => r.Code == (int)TransferCode.Redemption);
        Assert.Empty(await test.ReceiptsAsync());
        Assert.Equal(ErrorReasons.InsufficientPoints, (await test.Store().RedeemAsync(sale)).Reason());
        Assert.Equal(ErrorReasons.ReceiptNotFound, (await test.Store().GetReceiptAsync(new GetReceipt("20261122-1"))).Reason());
    }

    public static readonly TheoryData<string, string> BadSales = new()
    {
        { "request-id", ErrorReasons.InvalidRequestId.Code },
        { "volunteer-id", ErrorReasons.InvalidVolunteerId.Code },
        { "no-lines", ErrorReasons.InvalidBasket.Code },
        { "51-lines", ErrorReasons.InvalidBasket.Code },
        { "quantity-zero", ErrorReasons.InvalidBasket.Code },
        { "quantity-huge", ErrorReasons.InvalidBasket.Code },
        { "merged-huge", ErrorReasons.InvalidBasket.Code },
        { "item-id", ErrorReasons.InvalidItemId.Code },
        { "total-zero", ErrorReasons.TotalOutOfRange.Code },
        { "total-huge", ErrorReasons.TotalOutOfRange.Code },
        { "unknown-store", ErrorReasons.StoreNotFound.Code },
        { "unknown-item", ErrorReasons.ItemNotFound.Code },
        { "inactive-item", ErrorReasons.ItemNotSold.Code },
        { "unknown-volunteer", ErrorReasons.VolunteerNotFound.Code },
        { "unserved-volunteer", ErrorReasons.VolunteerNotServed.Code },
        { "price-changed", ErrorReasons.PriceChanged.Code },
        { "out-of-stock", ErrorReasons.OutOfStock.Code },
        { "insufficient-points", ErrorReasons.InsufficientPoints.Code },
    };

    [Theory]
    [MemberData(nameof(BadSales))]
    public async Task Bad_sales_are_refused_with_their_reason_and_sell_nothing(string fault, string expected)
    {
        var (test, _) = await StoreSales.StartAsync("memory");
        await using var __ = test;
        await VolunteerAsync(test, "ana", 20);
        await VolunteerAsync(test, "olga", 20, "old-town");
        Assert.True((await test.Store().UpsertItemAsync(new UpsertItem(TestRequests.NewKey(), "jam", "Jam", 4, false))).Succeeded);
        Assert.True((await test.Store().RestockAsync(new Restock(TestRequests.NewKey(), "jam", 5, Stores.StockSource.Bought))).Succeeded);
        var soap = new BasketLine("soap", 1);
        var sale = new Redeem(TestRequests.NewKey(), "ana", [soap], 5);

        var refused = fault switch
        {
            "request-id" => await test.Store().RedeemAsync(sale with { Request = TestRequests.Key("has space") }),
            "volunteer-id" => await test.Store().RedeemAsync(sale with { VolunteerId = "bad id!" }),
            "no-lines" => await test.Store().RedeemAsync(sale with { Lines = [] }),
            "51-lines" => await test.Store().RedeemAsync(sale with { Lines = Enumerable.Range(0, 51).Select(i => new BasketLine($"i{i}", 1)).ToArray(), TotalPoints = 51 }),
            "quantity-zero" => await test.Store().RedeemAsync(sale with { Lines = [new BasketLine("soap", 0)] }),
            "quantity-huge" => await test.Store().RedeemAsync(sale with { Lines = [new BasketLine("soap", 1001)], TotalPoints = 5005 }),
            "merged-huge" => await test.Store().RedeemAsync(sale with { Lines = [new BasketLine("soap", 600), new BasketLine("soap", 401)], TotalPoints = 5005 }),
            "item-id" => await test.Store().RedeemAsync(sale with { Lines = [new BasketLine("bad id!", 1)] }),
            "total-zero" => await test.Store().RedeemAsync(sale with { TotalPoints = 0 }),
            "total-huge" => await test.Store().RedeemAsync(sale with { TotalPoints = StoreGrain.MaxTotalPoints + 1 }),
            "unknown-store" => await test.Host.GetGrain<IStoreGrain>("nowhere").RedeemAsync(sale),
            "unknown-item" => await test.Store().RedeemAsync(sale with { Lines = [new BasketLine("flour", 1)] }),
            "inactive-item" => await test.Store().RedeemAsync(sale with { Lines = [new BasketLine("jam", 1)], TotalPoints = 4 }),
            "unknown-volunteer" => await test.Store().RedeemAsync(sale with { VolunteerId = "ghost" }),
            "unserved-volunteer" => await test.Store().RedeemAsync(sale with { VolunteerId = "olga" }),
            "price-changed" => await test.Store().RedeemAsync(sale with { TotalPoints = 4 }),
            "out-of-stock" => await test.Store().RedeemAsync(sale with { Lines = [new BasketLine("soap", 11)], TotalPoints = 55 }),
            "insufficient-points" => await test.Store().RedeemAsync(sale with { Lines = [new BasketLine("rice", 3)], TotalPoints = 24 }),
            _ => await test.Store().RedeemAsync(sale),
        };

        Assert.Equal(expected, refused.Reason()?.Code);
        Assert.Equal(20, await test.PointsAsync("ana"));
        Assert.Equal(new Dictionary<string, long> { ["jam"] = 5, ["rice"] = 10, ["soap"] = 10, ["tea"] = 10 }, await test.StockAsync());
        Assert.All((await test.StoredStateAsync()).Items.Values, i => Assert.Equal(0, i.Reserved));
        Assert.Empty(await test.ReceiptsAsync());
    }

    [Fact]
    public async Task An_item_named_twice_counts_once_with_its_quantities_added()
    {
        var (test, _) = await StoreSales.StartAsync("memory");
        await using var __ = test;
        await VolunteerAsync(test, "ana", 50);

        var sold = (await test.Store().RedeemAsync(Sale("r-1", "ana", 23, ("soap", 1), ("tea", 1), ("soap", 3)))).Value!;

        Assert.Equal([new ReceiptLine("soap", "Soap", 4, 5), new ReceiptLine("tea", "Tea", 1, 3)], sold.Receipt.Lines);
        Assert.Equal(6, (await test.StockAsync())["soap"]);
    }

    [Fact]
    public async Task A_price_change_after_the_terminal_showed_the_total_is_refused_until_it_shows_the_new_one()
    {
        var (test, _) = await StoreSales.StartAsync("memory");
        await using var __ = test;
        await VolunteerAsync(test, "ana", 50);
        Assert.True((await test.Store().UpsertItemAsync(new UpsertItem(TestRequests.NewKey(), "soap", "Soap", 6, true))).Succeeded);

        var refused = await test.Store().RedeemAsync(Sale("r-1", "ana", 10, ("soap", 2)));
        Assert.Equal(ErrorReasons.PriceChanged, refused.Reason());
        Assert.Equal(50, await test.PointsAsync("ana"));

        var sold = (await test.Store().RedeemAsync(Sale("r-2", "ana", 12, ("soap", 2)))).Value!;
        Assert.Equal((6L, 38L), (sold.Receipt.Lines.Single().UnitPricePoints, sold.PointsLeft));
    }
}
