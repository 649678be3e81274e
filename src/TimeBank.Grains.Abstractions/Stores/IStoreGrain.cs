using TimeBank.Runtime;

namespace TimeBank.Grains.Stores;

/// <summary>One charity supermarket: its catalog and stock. Keyed by store id; owned by its community and, for terminal keys, by itself.</summary>
public interface IStoreGrain : IGrainWithStringKey, IScopedGrain
{
    Task<Result<StoreOpening>> OpenStoreAsync(OpenStore command);

    Task<Result<ItemUpsert>> UpsertItemAsync(UpsertItem command);

    Task<Result<Catalog>> GetCatalogAsync();
}

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
