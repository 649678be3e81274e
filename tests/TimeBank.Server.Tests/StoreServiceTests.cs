using Google.Protobuf.WellKnownTypes;
using TimeBank.Client;
using TimeBank.Contracts.V1;
using TimeBank.Rpc;

namespace TimeBank.Server.Tests;

/// <summary>A charity store's counter over the wire: the real server on SQLite, a terminal key confined to its store.</summary>
public sealed class StoreServiceTests
{
    private static RedeemRequest Basket(string requestId, string volunteerId, long total, params (string Item, long Quantity)[] lines)
    {
        var request = new RedeemRequest { RequestId = requestId, StoreId = "corner", VolunteerId = volunteerId, TotalPoints = total };
        request.Lines.AddRange(lines.Select(l => new BasketLine { ItemId = l.Item, Quantity = l.Quantity }));
        return request;
    }

    /// <summary>A store with rice (40 points, 2 in stock) and soap (5 points, 10 in stock); Ana with 240 points; a terminal key for the store.</summary>
    private static async Task<TimeBankClient> OpenCornerStoreAsync(RunningServer running)
    {
        var admin = running.Client;
        await admin.OpenStoreAsync(new OpenStoreRequest { RequestId = "open", StoreId = "corner", CommunityId = "riverside", Name = "Corner charity store" });
        await admin.UpsertItemAsync(new UpsertItemRequest { RequestId = "rice", StoreId = "corner", ItemId = "rice", Name = "Rice, 5 kg", PricePoints = 40, Active = true });
        await admin.UpsertItemAsync(new UpsertItemRequest { RequestId = "soap", StoreId = "corner", ItemId = "soap", Name = "Soap", PricePoints = 5, Active = true });
        await admin.RestockAsync(new RestockRequest { RequestId = "stock-rice", StoreId = "corner", ItemId = "rice", Quantity = 2, Source = StockSource.Donated, Donor = "Golden Grain Co." });
        await admin.RestockAsync(new RestockRequest { RequestId = "stock-soap", StoreId = "corner", ItemId = "soap", Quantity = 10, Source = StockSource.Bought });
        await admin.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = "r-ana", VolunteerId = "ana", DisplayName = "Ana", CommunityId = "riverside" });
        await admin.DepositHoursAsync(new DepositHoursRequest { RequestId = "d-ana", VolunteerId = "ana", ActivityId = "park", Minutes = 1440 });
        var terminal = await admin.CreateKeyAsync(new CreateKeyRequest { RequestId = "k-terminal", Role = "terminal", Scope = "corner", DisplayName = "Till 1" });
        return running.ClientWith(terminal.Secret);
    }

    [Fact]
    public async Task A_basket_is_sold_refunded_in_part_listed_and_its_day_closed_over_the_wire()
    {
        await using var running = await RunningServer.StartAsync();
        using var till = await OpenCornerStoreAsync(running);

        var sold = await till.RedeemAsync(Basket("sale-1", "ana", 50, ("rice", 1), ("soap", 2)));
        Assert.Equal((50L, 50L, 190L), (sold.Receipt.TotalPoints, sold.Receipt.PointsTaken, sold.PointsLeft));
        Assert.Equal(["rice", "soap"], sold.Receipt.Lines.Select(l => l.ItemId));
        Assert.Equal(sold, await till.RedeemAsync(Basket("sale-1", "ana", 50, ("rice", 1), ("soap", 2)))); // a retry: the same receipt

        var refund = await till.RefundAsync(new RefundRequest { RequestId = "refund-1", StoreId = "corner", ReceiptId = sold.Receipt.ReceiptId, Lines = { new BasketLine { ItemId = "soap", Quantity = 1 } } });
        Assert.Equal((5L, 195L, 1L), (refund.PointsRefunded, refund.PointsLeft, refund.Receipt.Lines.Single(l => l.ItemId == "soap").RefundedQuantity));
        var tooMuch = await Assert.ThrowsAsync<RpcException>(() => till.RefundAsync(new RefundRequest
            { RequestId = "refund-2", StoreId = "corner", ReceiptId = sold.Receipt.ReceiptId, Lines = { new BasketLine { ItemId = "soap", Quantity = 2 } } }));
        Assert.Equal((StatusCode.FailedPrecondition, "REFUND_EXCEEDS_PURCHASE"), (tooMuch.StatusCode, tooMuch.Reason));

        var catalog = await till.GetCatalogAsync(new GetCatalogRequest { StoreId = "corner" });
        Assert.Equal([("rice", 1L), ("soap", 9L)], catalog.Items.Select(i => (i.ItemId, i.Stock)));
        Assert.Equal(sold.Receipt.ReceiptId, (await till.ListReceiptsAsync(new ListReceiptsRequest { StoreId = "corner", FromDay = sold.Receipt.Day, VolunteerId = "ana" })).Receipts.Single().ReceiptId);
        Assert.Equal(5, (await till.GetReceiptAsync(new GetReceiptRequest { StoreId = "corner", ReceiptId = sold.Receipt.ReceiptId })).RefundedPoints);

        var closed = await till.CloseDayAsync(new CloseDayRequest { RequestId = "close-1", StoreId = "corner", Day = sold.Receipt.Day });
        Assert.Equal((1L, 50L, 5L), (closed.Receipts, closed.PointsTaken, closed.PointsRefunded));
        Assert.Equal([("rice", 1L), ("soap", 2L)], closed.ItemsOut.Select(i => (i.ItemId, i.Quantity)));
        Assert.Equal(closed, await till.CloseDayAsync(new CloseDayRequest { RequestId = "close-2", StoreId = "corner", Day = sold.Receipt.Day }));

        // Sold after the close: it counts on the next day, and the closed day stays as it was.
        var later = await till.RedeemAsync(Basket("sale-2", "ana", 5, ("soap", 1)));
        Assert.NotEqual(sold.Receipt.Day, later.Receipt.Day);
        Assert.Equal(closed, await till.CloseDayAsync(new CloseDayRequest { RequestId = "close-3", StoreId = "corner", Day = sold.Receipt.Day }));
    }

    [Fact]
    public async Task What_cannot_be_sold_is_refused_with_its_reason_and_changes_nothing()
    {
        await using var running = await RunningServer.StartAsync();
        using var till = await OpenCornerStoreAsync(running);
        await running.Client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = "r-ben", VolunteerId = "ben", DisplayName = "Ben", CommunityId = "hillside" });
        await running.Client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = "r-cy", VolunteerId = "cy", DisplayName = "Cy", CommunityId = "riverside" });

        async Task<(StatusCode, string?)> RefusalAsync(RedeemRequest request)
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => till.RedeemAsync(request));
            return (refused.StatusCode, refused.Reason);
        }

        Assert.Equal((StatusCode.FailedPrecondition, "PRICE_CHANGED"), await RefusalAsync(Basket("p", "ana", 45, ("rice", 1), ("soap", 2))));
        Assert.Equal((StatusCode.FailedPrecondition, "OUT_OF_STOCK"), await RefusalAsync(Basket("o", "ana", 120, ("rice", 3))));
        Assert.Equal((StatusCode.FailedPrecondition, "INSUFFICIENT_POINTS"), await RefusalAsync(Basket("i", "cy", 5, ("soap", 1))));
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_BASKET"), await RefusalAsync(Basket("e", "ana", 5)));
        Assert.Equal((StatusCode.NotFound, "ITEM_NOT_FOUND"), await RefusalAsync(Basket("n", "ana", 5, ("milk", 1))));
        Assert.Equal((StatusCode.FailedPrecondition, "VOLUNTEER_NOT_SERVED"), await RefusalAsync(Basket("b", "ben", 5, ("soap", 1))));
        Assert.Equal((StatusCode.NotFound, "VOLUNTEER_NOT_FOUND"), await RefusalAsync(Basket("x", "xavier", 5, ("soap", 1))));
        var elsewhere = await Assert.ThrowsAsync<RpcException>(() => till.RedeemAsync(new RedeemRequest
            { RequestId = "s", StoreId = "other", VolunteerId = "ana", TotalPoints = 5, Lines = { new BasketLine { ItemId = "soap", Quantity = 1 } } }));
        Assert.Equal((StatusCode.PermissionDenied, "OUT_OF_SCOPE"), (elsewhere.StatusCode, elsewhere.Reason));

        var catalog = await till.GetCatalogAsync(new GetCatalogRequest { StoreId = "corner" });
        Assert.Equal([("rice", 2L), ("soap", 10L)], catalog.Items.Select(i => (i.ItemId, i.Stock)));
        Assert.Equal(240, (await running.Client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ana" })).Points);
    }

    [Fact]
    public async Task An_offline_batch_is_applied_once_and_a_sale_the_points_no_longer_cover_is_a_shortfall()
    {
        await using var running = await RunningServer.StartAsync();
        using var till = await OpenCornerStoreAsync(running);
        await running.Client.SetStoreRulesAsync(new SetStoreRulesRequest { RequestId = "rules", StoreId = "corner", OfflineDailyLimitPoints = 300 });
        var soldAt = EarlierToday.By(TimeSpan.FromMinutes(30));
        OfflineSale Sale(string id, long soap) => new()
        {
            RequestId = id, VolunteerId = "ana", TotalPoints = soap * 5, SoldAt = Timestamp.FromDateTimeOffset(soldAt),
            Lines = { new OfflineLine { ItemId = "soap", Quantity = soap, UnitPricePoints = 5 } },
        };

        // Ana spends most of her points online meanwhile; the offline sales arrive afterwards.
        await till.RedeemAsync(Basket("online", "ana", 80, ("rice", 2)));
        var batch = new SyncOfflineRedemptionsRequest { RequestId = "sync-1", StoreId = "corner", Sales = { Sale("off-1", 2), Sale("off-2", 40) } };
        var first = await till.SyncOfflineRedemptionsAsync(batch);
        Assert.Equal([(true, ""), (true, "INSUFFICIENT_POINTS")], first.Sales.Select(s => (s.Applied, s.Reason)));
        var shortfall = first.Sales[1].Receipt;
        Assert.Equal((200L, 0L, 32L), (shortfall.ShortfallPoints, shortfall.PointsTaken, shortfall.Lines.Single().ShortUnits));
        Assert.Equal(soldAt.ToUnixTimeMilliseconds(), first.Sales[0].Receipt.SoldAt.ToDateTimeOffset().ToUnixTimeMilliseconds());

        batch.RequestId = "sync-2";
        Assert.Equal(first, await till.SyncOfflineRedemptionsAsync(batch)); // a repeated sync changes nothing
        Assert.Equal(150, (await running.Client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ana" })).Points);
        Assert.Equal(0, (await till.GetCatalogAsync(new GetCatalogRequest { StoreId = "corner" })).Items.Single(i => i.ItemId == "soap").Stock);

        var day = await till.CloseDayAsync(new CloseDayRequest { RequestId = "close", StoreId = "corner", Day = shortfall.Day });
        Assert.Equal((3L, 1L, 200L, 32L), (day.Receipts, day.Shortfalls, day.ShortfallPoints, day.ShortfallUnits));
    }
}
