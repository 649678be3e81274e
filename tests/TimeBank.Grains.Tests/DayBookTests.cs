using TimeBank.Grains.Stores;
using static TimeBank.Grains.Tests.StoreSales;

namespace TimeBank.Grains.Tests;

/// <summary>A busy day spans several receipt books; listing, refunds and the close see them as one day.</summary>
public sealed class DayBookTests
{
    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_day_of_more_receipts_than_a_book_holds_lists_refunds_and_closes_as_one(string provider)
    {
        var sales = (StoreGrain.ReceiptsPerDayBook * 2) + 3;
        var (test, _) = await StoreSales.StartAsync(provider, soap: sales);
        await using var __ = test;
        await VolunteerAsync(test, "ana", 5 * sales);
        await VolunteerAsync(test, "ben", 5 * sales, "hillside");
        var ids = new List<string>();
        for (var i = 0; i < sales; i++)
        {
            ids.Add((await test.Store().RedeemAsync(Sale($"s-{i}", i % 3 == 0 ? "ben" : "ana", 5, ("soap", 1)))).Value!.Receipt.ReceiptId);
        }

        Assert.Equal(Enumerable.Range(1, sales).Select(n => $"20261122-{n}"), ids);

        // Seven at a time, across the books, nothing missed or repeated; and by volunteer.
        var listed = new List<string>();
        var token = "";
        do
        {
            var page = (await test.Store().ListReceiptsAsync(new ListReceipts(Today, PageSize: 7, PageToken: token))).Value!;
            listed.AddRange(page.Receipts.Select(r => r.ReceiptId));
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        Assert.Equal(ids, listed);
        Assert.Equal(ids.Where((_, i) => i % 3 == 0), (await test.Store().ListReceiptsAsync(new ListReceipts(Today, VolunteerId: "ben", PageSize: 500))).Value!.Receipts.Select(r => r.ReceiptId));

        // A refund of a receipt in the last book counts in the day's head.
        var refunded = await test.Store().RefundAsync(new Refund(TestRequests.NewKey(), ids[^1], []));
        Assert.True(refunded.Succeeded, refunded.ToString());
        Assert.Equal(1, (await test.Store().GetReceiptAsync(new GetReceipt(ids[^1]))).Value!.Lines.Single().RefundedQuantity);

        await test.RestartAsync();
        var closed = (await test.Store().CloseDayAsync(new CloseDay(TestRequests.NewKey(), Today))).Value!;
        Assert.Equal((sales, 5L * sales, 5L), (closed.Receipts, closed.PointsTaken, closed.PointsRefunded));
        Assert.Equal([new ItemCount("soap", sales)], closed.ItemsOut);
        Assert.Equal([new ItemCount("soap", 1)], closed.ItemsReturned);
        Assert.Equal(closed, (await test.Store().CloseDayAsync(new CloseDay(TestRequests.NewKey(), Today))).Value);
    }
}
