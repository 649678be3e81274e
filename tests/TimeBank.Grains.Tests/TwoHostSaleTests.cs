using TimeBank.Contracts.V1;
using TimeBank.Grains.Stores;
using TimeBank.Grains.Volunteers;
using TimeBank.Runtime;
using static TimeBank.Grains.Tests.StoreSales;

namespace TimeBank.Grains.Tests;

/// <summary>
/// Two hosts on one storage, as two processes on one database: each has its own activations, and one of them
/// is behind. A sale both are finishing must end one way only.
/// </summary>
public sealed class TwoHostSaleTests
{
    [Fact]
    public async Task A_hold_refused_by_a_copy_that_is_behind_never_settles_a_sale_the_other_host_completes()
    {
        var (test, _) = await StoreSales.StartAsync("memory", soap: 1);
        await using var _test = test;
        await VolunteerAsync(test, "cy", 0);

        // Host B reads Cy while she has no points and keeps that copy; she then earns 10 through host A.
        await using var hostB = test.SecondHost();
        Assert.Equal(0, (await hostB.GetGrain<IVolunteerGrain>("cy").GetBalanceAsync()).Value!.Points);
        await test.Volunteer("cy").DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "park", 60));

        // Host A begins the sale of the last soap and stops right after reserving it.
        var (reserved, resume) = await PauseAtAsync(test, "sale.reserved");
        var sale = Sale("sale-1", "cy", 5, ("soap", 1));
        var onA = test.Store().RedeemAsync(sale);
        await reserved.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // The same request reaches host B, whose Cy has no points: its refusal must not end the sale.
        Result<Redemption>? onB = null;
        try
        {
            onB = await hostB.GetGrain<IStoreGrain>(StoreId).RedeemAsync(sale);
        }
        catch (TimeBank.Storage.StaleStateException e)
        {
            TestContext.Current.TestOutputHelper!.WriteLine(e.ToString());
                // The refusal was computed on a copy behind the stored one, so it could not be recorded.
        }

        Assert.NotEqual(ErrorReasons.InsufficientPoints, onB?.Failure?.Reason);
        resume.SetResult();
        var completed = await onA;
        Assert.True(completed.Succeeded, completed.ToString());

        // Every answer to the request, on either host, is now that one receipt; the unit is sold once. (Host B's
        // store is behind until its first write fails and it reloads: a client retries CONCURRENT_UPDATE.)
        Assert.Equal(completed.Value.Receipt.ReceiptId, (await RetriedAsync(() => hostB.GetGrain<IStoreGrain>(StoreId).RedeemAsync(sale))).Value!.Receipt.ReceiptId);
        Assert.Equal(completed.Value.Receipt.ReceiptId, (await test.Store().RedeemAsync(sale)).Value!.Receipt.ReceiptId);
        Assert.Equal(0, (await test.StockAsync())["soap"]);
        Assert.Equal(ErrorReasons.OutOfStock, (await test.Store().RedeemAsync(Sale("sale-2", "cy", 5, ("soap", 1)))).Failure?.Reason);
        Assert.Equal(5, await test.PointsAsync("cy"));
        Assert.Single((await test.Store().ListReceiptsAsync(new ListReceipts(completed.Value.Receipt.Day))).Value!.Receipts);
    }

    [Fact]
    public async Task A_post_refused_by_a_volunteer_copy_behind_the_hold_leaves_the_sale_under_way_and_it_completes_once()
    {
        var (test, _) = await StoreSales.StartAsync("memory", soap: 1);
        await using var _test = test;
        await VolunteerAsync(test, "cy", 10);

        // Host B reads Cy before the sale and keeps that copy.
        await using var hostB = test.SecondHost();
        Assert.Equal(10, (await hostB.GetGrain<IVolunteerGrain>("cy").GetBalanceAsync()).Value!.Points);

        // Host A holds Cy's points for the sale and stops before posting the hold.
        var (held, resume) = await PauseAtAsync(test, "sale.held");
        var sale = Sale("sale-1", "cy", 5, ("soap", 1));
        var onA = test.Store().RedeemAsync(sale);
        await held.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // The same request reaches host B: its store finds the sale under way and replays the hold, but its Cy has
        // not seen that hold. The answer is "under way" (a client retries), not a fault, and nothing is settled.
        var onB = await hostB.GetGrain<IStoreGrain>(StoreId).RedeemAsync(sale);
        Assert.Equal(ErrorReasons.RedemptionInProgress, onB.Failure?.Reason);

        resume.SetResult();
        var completed = await onA;
        Assert.True(completed.Succeeded, completed.ToString());

        // Asked again on host B (its copies reload), the answer is that receipt; the points are taken once.
        Assert.Equal(completed.Value.Receipt.ReceiptId, (await RetriedAsync(() => hostB.GetGrain<IStoreGrain>(StoreId).RedeemAsync(sale))).Value!.Receipt.ReceiptId);
        Assert.Equal(5, (await hostB.GetGrain<IVolunteerGrain>("cy").GetBalanceAsync()).Value!.Points);
        Assert.Equal(5, await test.PointsAsync("cy"));
        Assert.Equal(0, (await test.StockAsync())["soap"]);
        Assert.Single((await test.Store().ListReceiptsAsync(new ListReceipts(completed.Value.Receipt.Day))).Value!.Receipts);
    }

    [Fact]
    public async Task A_refund_resumed_on_a_host_whose_day_book_is_behind_the_receipt_stays_under_way_until_that_book_reloads_and_completes_once()
    {
        var (test, clock) = await StoreSales.StartAsync("memory", soap: 2);
        await using var _test = test;
        await VolunteerAsync(test, "cy", 15);
        await using var hostB = test.SecondHost(clock);
        var sold = await SaleBehindHostBAsync(test, hostB);

        // Host A records the refund and stops before applying it to the receipt.
        var (recorded, resume) = await PauseAtAsync(test, "refund.recorded");
        var refund = new Refund(TestRequests.Key("refund-1"), sold.Value!.Receipt.ReceiptId, []);
        var onA = test.Store().RefundAsync(refund);
        await recorded.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // Host B's reminder resumes the refund; its book has not seen the receipt, so the first attempt leaves the
        // refund under way (that book reloads) and the next one finishes it.
        clock.Advance(TimeSpan.FromSeconds(6));
        await hostB.FireDueRemindersAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, await ReceiptRefundedAsync(test, sold.Value!.Receipt.ReceiptId));
        clock.Advance(TimeSpan.FromSeconds(6));
        await hostB.FireDueRemindersAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, await ReceiptRefundedAsync(test, sold.Value!.Receipt.ReceiptId));

        // Host A, resumed, finds its copies behind (a step it takes again fails as stale, so the refund is still
        // under way to its caller); asked again, on either host, the answer is the refund host B finished.
        resume.SetResult();
        Assert.Equal(ErrorReasons.RedemptionInProgress, (await onA).Failure?.Reason);
        var answer = (await RetriedAsync(() => test.Store().RefundAsync(refund))).Value!;
        Assert.Equal(answer.RefundId, (await RetriedAsync(() => hostB.GetGrain<IStoreGrain>(StoreId).RefundAsync(refund))).Value!.RefundId);

        // As a fresh process reads them: the soap is back in stock once and the points were given back once.
        Assert.Equal((1, 10), await SoapAndPointsAsync(test));
    }

    [Fact]
    public async Task A_new_refund_on_a_host_whose_day_book_is_behind_the_receipt_finds_the_receipt()
    {
        var (test, _) = await StoreSales.StartAsync("memory", soap: 2);
        await using var _test = test;
        await VolunteerAsync(test, "cy", 15);
        await using var hostB = test.SecondHost();
        var sold = await SaleBehindHostBAsync(test, hostB);

        // The terminal's first refund call reaches host B: the receipt exists, so it is refunded, not "not found".
        var refunded = await RetriedAsync(() => hostB.GetGrain<IStoreGrain>(StoreId).RefundAsync(new Refund(TestRequests.NewKey(), sold.Value!.Receipt.ReceiptId, [])));
        Assert.True(refunded.Succeeded, refunded.ToString());
        Assert.Equal((1, 10), await SoapAndPointsAsync(test));
    }

    /// <summary>The soap in stock and Cy's points, as a fresh process reads them.</summary>
    private static async Task<(long Soap, long Points)> SoapAndPointsAsync(GrainTestHost test)
    {
        await using var fresh = test.SecondHost();
        return ((await fresh.GetGrain<IStoreGrain>(StoreId).GetCatalogAsync()).Value!.Items.Single(i => i.ItemId == "soap").Stock,
            (await fresh.GetGrain<IVolunteerGrain>("cy").GetBalanceAsync()).Value!.PointsAvailable);
    }

    /// <summary>The units of a receipt refunded, as a fresh process reads them.</summary>
    private static async Task<long> ReceiptRefundedAsync(GrainTestHost test, string receiptId)
    {
        await using var fresh = test.SecondHost();
        return (await fresh.GetGrain<IStoreGrain>(StoreId).GetReceiptAsync(new GetReceipt(receiptId))).Value!.Lines.Sum(l => l.RefundedQuantity);
    }

    /// <summary>
    /// Two sales of a soap on host A, with host B reading the day's first book between them and keeping that copy
    /// (a book without a receipt would not be kept): the second sale's receipt is one host B's book has not seen.
    /// </summary>
    private static async Task<Result<Redemption>> SaleBehindHostBAsync(GrainTestHost test, GrainHost hostB)
    {
        Assert.True((await test.Store().RedeemAsync(Sale("sale-0", "cy", 5, ("soap", 1)))).Succeeded);
        Assert.Single((await hostB.GetGrain<IStoreDayGrain>($"{StoreId}@{Today}/0").ListAsync(new ListDayReceipts("", 0, 20))).Value!.Receipts);
        var sold = await test.Store().RedeemAsync(Sale("sale-1", "cy", 5, ("soap", 1)));
        Assert.True(sold.Succeeded, sold.ToString());
        return sold;
    }

    /// <summary>Restarts host A so that its sales stop at <paramref name="step"/> until <c>Resume</c> is set; <c>Reached</c> completes when one does.</summary>
    private static async Task<(Task Reached, TaskCompletionSource Resume)> PauseAtAsync(GrainTestHost test, string step)
    {
        var reached = new TaskCompletionSource();
        var resume = new TaskCompletionSource();
        await test.RestartAsync(new TimeBankGrainOptions
        {
            PointsPerHour = 10,
            StepHook = async at =>
            {
                if (at == step)
                {
                    reached.TrySetResult();
                    await resume.Task;
                }
            },
        });
        return (reached.Task, resume);
    }

    /// <summary>The call, again after a write that found its copy behind (what CONCURRENT_UPDATE tells a client), up to three times.</summary>
    private static async Task<Result<T>> RetriedAsync<T>(Func<Task<Result<T>>> call)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (TimeBank.Storage.StaleStateException) when (attempt < 3)
            {
            }
        }
    }

    [Fact]
    public async Task A_sale_refused_on_one_host_stays_refused_when_asked_again_on_the_other_after_the_points_arrive()
    {
        var (test, _) = await StoreSales.StartAsync("memory", soap: 1);
        await using var _test = test;
        await VolunteerAsync(test, "cy", 0);
        await using var hostB = test.SecondHost();

        // Host A refuses the sale (Cy has nothing); then she earns points through host B, whose copy of the store
        // has not seen the sale. Asked again there, the sale keeps its first answer and does not take her points.
        var sale = Sale("sale-1", "cy", 5, ("soap", 1));
        Assert.Equal(ErrorReasons.InsufficientPoints, (await test.Store().RedeemAsync(sale)).Failure?.Reason);
        await hostB.GetGrain<IVolunteerGrain>("cy").DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "park", 60));
        Assert.Equal(ErrorReasons.InsufficientPoints, (await hostB.GetGrain<IStoreGrain>(StoreId).RedeemAsync(sale)).Failure?.Reason);
        Assert.Equal(10, (await hostB.GetGrain<IVolunteerGrain>("cy").GetBalanceAsync()).Value!.PointsAvailable);
        Assert.Equal(1, (await test.StockAsync())["soap"]);
    }
}
