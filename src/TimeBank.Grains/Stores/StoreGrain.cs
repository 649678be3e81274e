using TimeBank.Contracts.V1;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Internal;

namespace TimeBank.Grains.Stores;

/// <summary>One charity supermarket. It owns itself for terminal keys and belongs to its community for the rest.</summary>
public sealed class StoreGrain(PolicyCache policies) : TimeBankGrain<StoreState>, IStoreGrain
{
    public const string TypeName = "store";

    public const long MaxPricePoints = 1_000_000;

    public const int MaxServedCommunities = 50;

    private string StoreId => GrainId.Key;

    public Task<GrainOwner> GetOwnerAsync() => Task.FromResult(StateExists ? new GrainOwner(State.CommunityId, StoreId) : GrainOwner.None);

    public async Task<Result<StoreOpening>> OpenStoreAsync(OpenStore command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!Identifiers.IsValidId(command.CommunityId))
        {
            return Failure.Of(ErrorReasons.InvalidCommunityId, ("value", command.CommunityId));
        }

        if (!Identifiers.IsValidDisplayName(command.Name))
        {
            return Failure.Of(ErrorReasons.InvalidDisplayName);
        }

        var served = command.ServedCommunityIds.Distinct(StringComparer.Ordinal).Where(c => c != command.CommunityId).Order(StringComparer.Ordinal).ToList();
        if (served.Count > MaxServedCommunities || served.FirstOrDefault(c => !Identifiers.IsValidId(c)) is { } malformed)
        {
            return Failure.Of(ErrorReasons.InvalidServedCommunities, ("max", MaxServedCommunities), ("count", served.Count));
        }

        foreach (var community in served.Prepend(command.CommunityId))
        {
            if (policies.Find(community) is null && await GrainFactory.GetGrain<ICommunityGrain>(community).GetPolicyAsync() is { Succeeded: false } missing)
            {
                return missing.Failure;
            }
        }

        return await MutateAsync(command.Request, command, Result<StoreOpening> (c, changes) =>
        {
            if (StateExists)
            {
                return State.CommunityId == c.CommunityId && State.Name == c.Name.Trim() && State.ServedCommunityIds.SequenceEqual(served)
                    ? new StoreOpening(Profile(), Created: false)
                    : Failure.Of(ErrorReasons.StoreIdTaken, ("store_id", StoreId));
            }

            State.CommunityId = c.CommunityId;
            State.Name = c.Name.Trim();
            State.ServedCommunityIds = served;
            State.OpenedAt = changes.Now;
            changes.StateWasChanged();
            return new StoreOpening(Profile(), Created: true);
        });
    }

    public async Task<Result<ItemUpsert>> UpsertItemAsync(UpsertItem command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!Identifiers.IsValidId(command.ItemId))
        {
            return Failure.Of(ErrorReasons.InvalidItemId, ("value", command.ItemId));
        }

        if (!Identifiers.IsValidDisplayName(command.Name))
        {
            return Failure.Of(ErrorReasons.InvalidItemName);
        }

        if (command.PricePoints is < 1 or > MaxPricePoints)
        {
            return Failure.Of(ErrorReasons.PriceOutOfRange, ("value", command.PricePoints), ("max", MaxPricePoints));
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.StoreNotFound, ("store_id", StoreId));
        }

        return await MutateAsync(command.Request, command, Result<ItemUpsert> (c, changes) =>
        {
            var name = c.Name.Trim();
            if (State.Items.TryGetValue(c.ItemId, out var item) && item.Name == name && item.PricePoints == c.PricePoints && item.Active == c.Active)
            {
                return new ItemUpsert(ToCatalogItem(c.ItemId, item), Changed: false);
            }

            item ??= new StoredItem();
            item.Name = name;
            item.PricePoints = c.PricePoints;
            item.Active = c.Active;
            State.Items[c.ItemId] = item;
            changes.StateWasChanged();
            return new ItemUpsert(ToCatalogItem(c.ItemId, item), Changed: true);
        });
    }

    public Task<Result<Catalog>> GetCatalogAsync()
    {
        Result<Catalog> result = StateExists
            ? new Catalog(Profile(), State.Items.Select(i => ToCatalogItem(i.Key, i.Value)).ToArray())
            : Failure.Of(ErrorReasons.StoreNotFound, ("store_id", StoreId));
        return Task.FromResult(result);
    }

    private static CatalogItem ToCatalogItem(string itemId, StoredItem item) => new(itemId, item.Name, item.PricePoints, item.Active, item.Stock);

    private StoreProfile Profile() => new(StoreId, State.CommunityId, State.Name, State.ServedCommunityIds.ToArray(), State.OpenedAt);
}
