using TimeBank.Runtime;

namespace TimeBank.Grains.Stores;

/// <summary>One charity supermarket: its catalog and stock. Keyed by store id; owned by its community and, for terminal keys, by itself.</summary>
public interface IStoreGrain : IGrainWithStringKey, IScopedGrain
{
    Task<Result<StoreOpening>> OpenStoreAsync(OpenStore command);

    Task<Result<ItemUpsert>> UpsertItemAsync(UpsertItem command);

    Task<Result<Catalog>> GetCatalogAsync();

    Task<Result<StockChange>> RestockAsync(Restock command);

    Task<Result<StockChange>> AdjustStockAsync(AdjustStock command);

    Task<Result<StoreRules>> SetStoreRulesAsync(SetStoreRules command);

    /// <summary>
    /// Sells a basket for points: reserves the stock, holds the volunteer's points, posts both. Interrupted, it
    /// is finished (or undone) by the store's reminder.
    /// </summary>
    Task<Result<Redemption>> RedeemAsync(Redeem command);

    /// <summary>Gives back some or all of a receipt's lines: the points to the volunteer, the units to stock.</summary>
    Task<Result<RefundReceipt>> RefundAsync(Refund command);

    Task<Result<Receipt>> GetReceiptAsync(GetReceipt query);

    Task<Result<ReceiptPage>> ListReceiptsAsync(ListReceipts query);

    /// <summary>Closes a store day: its summary is fixed from then on; closing again answers the same summary.</summary>
    Task<Result<DaySummary>> CloseDayAsync(CloseDay command);

    /// <summary>Applies sales an offline terminal made, in order, each once; what cannot be honoured is a shortfall.</summary>
    Task<Result<OfflineSync>> SyncOfflineRedemptionsAsync(SyncOfflineRedemptions command);
}

public enum StockSource
{
    Donated = 1,
    Bought = 2,
}

/// <param name="Quantity">1 to 1,000,000 units.</param>
/// <param name="Donor">Who donated it, when donated; empty when bought.</param>
public sealed record Restock(RequestKey Request, string ItemId, long Quantity, StockSource Source, string Donor = "");

/// <param name="Counted">What was counted: 0 to 1,000,000.</param>
public sealed record AdjustStock(RequestKey Request, string ItemId, long Counted, string Reason);

/// <param name="Change">The change this call made (negative for a count below the record).</param>
public sealed record StockChange(CatalogItem Item, long Change);

/// <param name="ServedCommunityIds">Other communities whose volunteers it serves (up to 50).</param>
public sealed record OpenStore(RequestKey Request, string CommunityId, string Name, IReadOnlyList<string> ServedCommunityIds);

/// <param name="PricePoints">Points per unit, 1 to 1,000,000.</param>
public sealed record UpsertItem(RequestKey Request, string ItemId, string Name, long PricePoints, bool Active);

public sealed record StoreProfile(string StoreId, string CommunityId, string Name, IReadOnlyList<string> ServedCommunityIds, DateTimeOffset OpenedAt);

public sealed record CatalogItem(string ItemId, string Name, long PricePoints, bool Active, long Stock);

public sealed record StoreOpening(StoreProfile Store, bool Created);

/// <param name="Changed">False when the item already was exactly so.</param>
public sealed record ItemUpsert(CatalogItem Item, bool Changed);

/// <param name="Items">By item id.</param>
public sealed record Catalog(StoreProfile Store, IReadOnlyList<CatalogItem> Items);
