using TimeBank.Contracts.V1;
using TimeBank.Grains.Volunteers;
using TimeBank.Grains.Wishes;
using TimeBank.Ledger;
using WishStatus = TimeBank.Grains.Wishes.WishStatus;

namespace TimeBank.Grains.Tests;

public sealed class WishTests
{
    private static PostWish Wish(long minutes = 60) => new(TestRequests.NewKey(), "riverside", "Mrs. Li, 3rd floor", "A ride to the clinic", minutes, "elder-care");

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_wish_is_posted_claimed_released_claimed_again_and_fulfilled_crediting_the_volunteer_once(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var wish = test.Host.GetGrain<IWishGrain>("clinic-ride");
        await TransferHoursTests.VolunteerAsync(test, "ana", "riverside");
        await TransferHoursTests.VolunteerAsync(test, "ben", "riverside");
        Assert.True((await wish.PostWishAsync(Wish())).Value!.Created);
        Assert.False((await wish.PostWishAsync(Wish())).Value!.Created);
        Assert.Equal(ErrorReasons.WishIdTaken, (await wish.PostWishAsync(Wish(minutes: 30))).Reason());

        Assert.Equal(ErrorReasons.WishNotClaimed, (await wish.ConfirmWishFulfilledAsync(new ConfirmWishFulfilled(TestRequests.NewKey()))).Reason());
        Assert.Equal(WishStatus.Claimed, (await wish.ClaimWishAsync(new ClaimWish(TestRequests.NewKey(), "ana"))).Value!.Wish.Status);
        Assert.Equal(ErrorReasons.WishNotOpen, (await wish.ClaimWishAsync(new ClaimWish(TestRequests.NewKey(), "ben"))).Reason());
        Assert.Equal(ErrorReasons.WishNotClaimedBy, (await wish.ReleaseWishAsync(new ReleaseWish(TestRequests.NewKey(), "ben"))).Reason());
        Assert.Equal(WishStatus.Open, (await wish.ReleaseWishAsync(new ReleaseWish(TestRequests.NewKey(), "ana"))).Value!.Wish.Status);
        Assert.Equal("ben", (await wish.ClaimWishAsync(new ClaimWish(TestRequests.NewKey(), "ben"))).Value!.Wish.VolunteerId);

        var confirm = new ConfirmWishFulfilled(TestRequests.Key("fulfilled"));
        var fulfilled = (await wish.ConfirmWishFulfilledAsync(confirm)).Value!.Wish;
        Assert.Equal((WishStatus.Fulfilled, "ben", 10L, "volunteer/ben#1"), (fulfilled.Status, fulfilled.VolunteerId, fulfilled.Points, fulfilled.HoursTransferId));
        Assert.Equal(fulfilled, (await wish.ConfirmWishFulfilledAsync(confirm)).Value!.Wish);
        Assert.Equal(fulfilled, (await wish.ConfirmWishFulfilledAsync(new ConfirmWishFulfilled(TestRequests.NewKey()))).Value!.Wish);
        Assert.Equal(ErrorReasons.WishNotOpen, (await wish.WithdrawWishAsync(new WithdrawWish(TestRequests.NewKey()))).Reason());

        Assert.Equal(60, (await test.Host.GetGrain<IVolunteerGrain>("ben").GetBalanceAsync()).Value!.HoursMinutes);
        var row = Assert.Single(await test.Storage.ReadJournalAsync("volunteer/ben", 0, 10, TestContext.Current.CancellationToken), r => r.Ledger == (int)LedgerKind.Hours);
        Assert.Equal(("clinic-ride", "elder-care"), (row.Reference, row.Category));
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_fulfilment_cut_off_after_the_credit_finishes_after_a_restart_without_crediting_twice(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        await TransferHoursTests.VolunteerAsync(test, "ana", "riverside");
        var wish = test.Host.GetGrain<IWishGrain>("clinic-ride");
        await wish.PostWishAsync(Wish());
        await wish.ClaimWishAsync(new ClaimWish(TestRequests.NewKey(), "ana"));
        await test.RestartAsync(new TimeBankGrainOptions { StepHook = s => s == "wish.credited" ? throw new InvalidOperationException("crash") : Task.CompletedTask });

        await Assert.ThrowsAsync<InvalidOperationException>(() => test.Host.GetGrain<IWishGrain>("clinic-ride").ConfirmWishFulfilledAsync(new ConfirmWishFulfilled(TestRequests.Key("done"))));

        await test.RestartAsync();
        wish = test.Host.GetGrain<IWishGrain>("clinic-ride");
        await TransferHoursTests.WaitUntilAsync(async () => (await wish.GetWishAsync()).Value!.Wish.Status == WishStatus.Fulfilled);
        Assert.Equal(WishStatus.Fulfilled, (await wish.ConfirmWishFulfilledAsync(new ConfirmWishFulfilled(TestRequests.Key("done")))).Value!.Wish.Status);
        Assert.Equal(60, (await test.Host.GetGrain<IVolunteerGrain>("ana").GetBalanceAsync()).Value!.HoursMinutes);
        Assert.Single(await test.Storage.ReadJournalAsync("volunteer/ana", 0, 10, TestContext.Current.CancellationToken), r => r.Ledger == (int)LedgerKind.Hours);
    }

    public static readonly TheoryData<string, string> BadCalls = new()
    {
        { "for-whom", ErrorReasons.InvalidForWhom.Code },
        { "what", ErrorReasons.InvalidWhat.Code },
        { "minutes-zero", ErrorReasons.MinutesNotPositive.Code },
        { "minutes-huge", ErrorReasons.MinutesTooLarge.Code },
        { "category", ErrorReasons.UnknownCategory.Code },
        { "community", ErrorReasons.CommunityNotFound.Code },
        { "claim-other-community", ErrorReasons.NotOpenToCommunity.Code },
        { "claim-unknown-volunteer", ErrorReasons.VolunteerNotFound.Code },
        { "claim-withdrawn", ErrorReasons.WishNotOpen.Code },
        { "unknown-wish", ErrorReasons.WishNotFound.Code },
        { "withdraw-reason", ErrorReasons.InvalidReason.Code },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public async Task Bad_wish_calls_are_refused_with_their_reason(string fault, string expected)
    {
        await using var test = await GrainTestHost.StartAsync("memory");
        await TransferHoursTests.VolunteerAsync(test, "eve", "hillside");
        var wish = test.Host.GetGrain<IWishGrain>("w");
        var good = Wish();
        Failure? failure = fault switch
        {
            "for-whom" => (await wish.PostWishAsync(good with { ForWhom = " " })).Failure,
            "what" => (await wish.PostWishAsync(good with { What = new string('w', 201) })).Failure,
            "minutes-zero" => (await wish.PostWishAsync(good with { Minutes = 0 })).Failure,
            "minutes-huge" => (await wish.PostWishAsync(good with { Minutes = long.MaxValue })).Failure,
            "category" => (await wish.PostWishAsync(good with { Category = "knitting" })).Failure,
            "community" => (await wish.PostWishAsync(good with { CommunityId = "atlantis" })).Failure,
            "unknown-wish" => (await wish.ClaimWishAsync(new ClaimWish(TestRequests.NewKey(), "eve"))).Failure,
            _ => null,
        };
        if (failure is null)
        {
            await wish.PostWishAsync(good);
            failure = fault switch
            {
                "claim-other-community" => (await wish.ClaimWishAsync(new ClaimWish(TestRequests.NewKey(), "eve"))).Failure,
                "claim-unknown-volunteer" => (await wish.ClaimWishAsync(new ClaimWish(TestRequests.NewKey(), "ghost"))).Failure,
                "withdraw-reason" => (await wish.WithdrawWishAsync(new WithdrawWish(TestRequests.NewKey(), new string('r', 201)))).Failure,
                _ => await WithdrawnThenClaimedAsync(),
            };
        }

        Assert.Equal(expected, failure?.Reason.Code);

        async Task<Failure?> WithdrawnThenClaimedAsync()
        {
            await TransferHoursTests.VolunteerAsync(test, "ana", "riverside");
            Assert.Equal(WishStatus.Withdrawn, (await wish.WithdrawWishAsync(new WithdrawWish(TestRequests.NewKey(), "done by family"))).Value!.Wish.Status);
            return (await wish.ClaimWishAsync(new ClaimWish(TestRequests.NewKey(), "ana"))).Failure;
        }
    }
}
