using TimeBank.Contracts.V1;
using TimeBank.Grains.Stores;
using CatalogItem = TimeBank.Grains.Stores.CatalogItem;
using StockSource = TimeBank.Grains.Stores.StockSource;

namespace TimeBank.Grains.Tests;

public sealed class StoreCatalogTests
{
    private static OpenStore Opening(params string[] served) => new(TestRequests.NewKey(), "riverside", "Riverside charity store", served);

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_store_opens_once_and_its_catalog_is_kept_by_item(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var store = test.Host.GetGrain<IStoreGrain>("corner");

        var opened = await store.OpenStoreAsync(Opening("hillside", "hillside", "riverside"));
        Assert.True(opened.Value!.Created);
        Assert.Equal(["hillside"], opened.Value.Store.ServedCommunityIds);
        Assert.False((await store.OpenStoreAsync(Opening("hillside"))).Value!.Created);
        Assert.Equal(ErrorReasons.StoreIdTaken, (await store.OpenStoreAsync(Opening())).Reason());
        Assert.Equal(new GrainOwner("riverside", "corner"), await store.GetOwnerAsync());

        Assert.True((await store.UpsertItemAsync(new UpsertItem(TestRequests.NewKey(), "soap", "Soap", 5, true))).Value!.Changed);
        Assert.True((await store.UpsertItemAsync(new UpsertItem(TestRequests.NewKey(), "rice", "Rice, 5 kg", 40, true))).Value!.Changed);
        var repriced = (await store.UpsertItemAsync(new UpsertItem(TestRequests.NewKey(), "rice", "Rice, 5 kg", 45, false))).Value!;
        Assert.Equal((new CatalogItem("rice", "Rice, 5 kg", 45, false, 0), true), (repriced.Item, repriced.Changed));
        Assert.False((await store.UpsertItemAsync(new UpsertItem(TestRequests.NewKey(), "rice", "Rice, 5 kg", 45, false))).Value!.Changed);

        await test.RestartAsync();
        var catalog = (await test.Host.GetGrain<IStoreGrain>("corner").GetCatalogAsync()).Value!;
        Assert.Equal(["rice", "soap"], catalog.Items.Select(i => i.ItemId));
        Assert.Equal(45, catalog.Items[0].PricePoints);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Stock_comes_in_by_restock_with_its_source_and_is_corrected_by_count_never_below_zero(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var store = test.Host.GetGrain<IStoreGrain>("corner");
        await store.OpenStoreAsync(Opening());
        await store.UpsertItemAsync(new UpsertItem(TestRequests.NewKey(), "oil", "Cooking oil", 30, true));

        Assert.Equal(20, (await store.RestockAsync(new Restock(TestRequests.NewKey(), "oil", 20, StockSource.Donated, "Golden Grain Co."))).Value!.Item.Stock);
        var bought = new Restock(TestRequests.Key("buy-1"), "oil", 5, StockSource.Bought);
        Assert.Equal(25, (await store.RestockAsync(bought)).Value!.Item.Stock);
        Assert.Equal(25, (await store.RestockAsync(bought)).Value!.Item.Stock); // a retry adds nothing
        var counted = (await store.AdjustStockAsync(new AdjustStock(TestRequests.NewKey(), "oil", 22, "Three bottles broken"))).Value!;
        Assert.Equal((22L, -3L), (counted.Item.Stock, counted.Change));
        Assert.Equal(0, (await store.AdjustStockAsync(new AdjustStock(TestRequests.NewKey(), "oil", 22, "Counted again"))).Value!.Change);

        await test.RestartAsync();
        Assert.Equal(22, (await test.Host.GetGrain<IStoreGrain>("corner").GetCatalogAsync()).Value!.Items.Single().Stock);
    }

    public static readonly TheoryData<string, string> BadCalls = new()
    {
        { "name", ErrorReasons.InvalidDisplayName.Code },
        { "community", ErrorReasons.CommunityNotFound.Code },
        { "served-unknown", ErrorReasons.CommunityNotFound.Code },
        { "served-malformed", ErrorReasons.InvalidServedCommunities.Code },
        { "item-id", ErrorReasons.InvalidItemId.Code },
        { "item-name", ErrorReasons.InvalidItemName.Code },
        { "price-zero", ErrorReasons.PriceOutOfRange.Code },
        { "price-huge", ErrorReasons.PriceOutOfRange.Code },
        { "no-store", ErrorReasons.StoreNotFound.Code },
        { "restock-zero", ErrorReasons.QuantityOutOfRange.Code },
        { "restock-huge", ErrorReasons.QuantityOutOfRange.Code },
        { "donated-without-donor", ErrorReasons.InvalidStockSource.Code },
        { "bought-with-donor", ErrorReasons.InvalidStockSource.Code },
        { "source-unspecified", ErrorReasons.InvalidStockSource.Code },
        { "unknown-item", ErrorReasons.ItemNotFound.Code },
        { "count-negative", ErrorReasons.QuantityOutOfRange.Code },
        { "count-no-reason", ErrorReasons.InvalidReason.Code },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public async Task Bad_store_calls_are_refused_with_their_reason(string fault, string expected)
    {
        await using var test = await GrainTestHost.StartAsync("memory");
        var store = test.Host.GetGrain<IStoreGrain>("corner");
        if (fault is not ("name" or "community" or "served-unknown" or "served-malformed" or "no-store"))
        {
            Assert.True((await store.OpenStoreAsync(Opening())).Succeeded);
            Assert.True((await store.UpsertItemAsync(new UpsertItem(TestRequests.NewKey(), "oil", "Cooking oil", 30, true))).Succeeded);
        }

        Failure? failure = fault switch
        {
            "name" => (await store.OpenStoreAsync(Opening() with { Name = "" })).Failure,
            "community" => (await store.OpenStoreAsync(Opening() with { CommunityId = "atlantis" })).Failure,
            "served-unknown" => (await store.OpenStoreAsync(Opening("atlantis"))).Failure,
            "served-malformed" => (await store.OpenStoreAsync(Opening("bad id"))).Failure,
            "item-id" => (await store.UpsertItemAsync(new UpsertItem(TestRequests.NewKey(), "bad id", "Soap", 5, true))).Failure,
            "item-name" => (await store.UpsertItemAsync(new UpsertItem(TestRequests.NewKey(), "soap", " ", 5, true))).Failure,
            "price-zero" => (await store.UpsertItemAsync(new UpsertItem(TestRequests.NewKey(), "soap", "Soap", 0, true))).Failure,
            "price-huge" => (await store.UpsertItemAsync(new UpsertItem(TestRequests.NewKey(), "soap", "Soap", 1_000_001, true))).Failure,
            "restock-zero" => (await store.RestockAsync(new Restock(TestRequests.NewKey(), "oil", 0, StockSource.Bought))).Failure,
            "restock-huge" => (await store.RestockAsync(new Restock(TestRequests.NewKey(), "oil", 1_000_001, StockSource.Bought))).Failure,
            "donated-without-donor" => (await store.RestockAsync(new Restock(TestRequests.NewKey(), "oil", 1, StockSource.Donated))).Failure,
            "bought-with-donor" => (await store.RestockAsync(new Restock(TestRequests.NewKey(), "oil", 1, StockSource.Bought, "Someone"))).Failure,
            "source-unspecified" => (await store.RestockAsync(new Restock(TestRequests.NewKey(), "oil", 1, 0))).Failure,
            "unknown-item" => (await store.RestockAsync(new Restock(TestRequests.NewKey(), "flour", 1, StockSource.Bought))).Failure,
            "count-negative" => (await store.AdjustStockAsync(new AdjustStock(TestRequests.NewKey(), "oil", -1, "Lost"))).Failure,
            "count-no-reason" => (await store.AdjustStockAsync(new AdjustStock(TestRequests.NewKey(), "oil", 3, " "))).Failure,
            _ => (await store.UpsertItemAsync(new UpsertItem(TestRequests.NewKey(), "soap", "Soap", 5, true))).Failure,
        };

        Assert.Equal(expected, failure?.Reason.Code);
    }
}
