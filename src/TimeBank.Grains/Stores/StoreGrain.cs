using TimeBank.Contracts.V1;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Internal;
using TimeBank.Runtime;

namespace TimeBank.Grains.Stores;

/// <summary>One charity supermarket: its catalog and stock. It owns itself for terminal keys and belongs to its community for the rest.</summary>
public sealed partial class StoreGrain(PolicyCache policies, TimeBankGrainOptions options) : TimeBankGrain<StoreState>, IStoreGrain, IRemindable
{
    public const string TypeName = "store";

    public const long MaxPricePoints = 1_000_000;

    public const int MaxServedCommunities = 50;

    /// <summary>Most units of one item a store holds, or one restock brings.</summary>
    public const long MaxStockUnits = 1_000_000;

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
            if (await policies.GetAsync(GrainFactory, community) is { Succeeded: false } missing)
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

    public async Task<Result<StockChange>> RestockAsync(Restock command)
    {
        if (ValidateStockRequest(command.Request, command.ItemId) is { } invalid)
        {
            return invalid;
        }

        if (command.Quantity is < 1 or > MaxStockUnits)
        {
            return Failure.Of(ErrorReasons.QuantityOutOfRange, ("value", command.Quantity), ("max", MaxStockUnits));
        }

        var donated = command.Source == StockSource.Donated;
        if (!Enum.IsDefined(command.Source) || donated != (command.Donor.Length > 0) || (donated && !Identifiers.IsValidDisplayName(command.Donor)))
        {
            return Failure.Of(ErrorReasons.InvalidStockSource);
        }

        return await ChangeStockAsync(command.Request, command, command.ItemId, item => command.Quantity, command.Source, command.Donor.Trim());
    }

    public async Task<Result<StockChange>> AdjustStockAsync(AdjustStock command)
    {
        if (ValidateStockRequest(command.Request, command.ItemId) is { } invalid)
        {
            return invalid;
        }

        if (command.Counted is < 0 or > MaxStockUnits)
        {
            return Failure.Of(ErrorReasons.QuantityOutOfRange, ("value", command.Counted), ("max", MaxStockUnits));
        }

        if (!Identifiers.IsValidDisplayName(command.Reason))
        {
            return Failure.Of(ErrorReasons.InvalidReason, ("max", Identifiers.MaxDisplayNameLength));
        }

        return await ChangeStockAsync(command.Request, command, command.ItemId, item => command.Counted - item.Stock, source: null, command.Reason.Trim());
    }

    /// <summary>One stock movement, recorded with the count it changes, in one write.</summary>
    private async Task<Result<StockChange>> ChangeStockAsync<TCommand>(
        RequestKey request, TCommand command, string itemId, Func<StoredItem, long> change, StockSource? source, string note, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.StoreNotFound, ("store_id", StoreId));
        }

        return await MutateAsync(request, request.CallerKeyId, lookUpFirst: false, command, Result<StockChange> (_, changes) =>
        {
            if (!State.Items.TryGetValue(itemId, out var item))
            {
                return Failure.Of(ErrorReasons.ItemNotFound, ("item_id", itemId), ("store_id", StoreId));
            }

            var delta = change(item);
            if (item.Stock + delta > MaxStockUnits)
            {
                return Failure.Of(ErrorReasons.QuantityOutOfRange, ("value", item.Stock + delta), ("max", MaxStockUnits));
            }

            if (item.Stock + delta < item.Reserved)
            {
                // Units promised to sales under way leave stock when those end; a count below them would take stock below zero.
                return Failure.Of(ErrorReasons.StockReserved, ("item_id", itemId), ("reserved", item.Reserved), ("counted", item.Stock + delta));
            }

            if (delta != 0)
            {
                item.Stock += delta;
                State.StockMovements.Add(new StockMovement(itemId, delta, source, note, changes.Now, changes.ActorKeyId));
                changes.StateWasChanged();
            }

            return new StockChange(ToCatalogItem(itemId, item), delta);
        }, operation);
    }

    private static Failure? ValidateStockRequest(RequestKey request, string itemId)
    {
        if (!Identifiers.IsValidRequestId(request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", request.RequestId));
        }

        return Identifiers.IsValidId(itemId) ? null : Failure.Of(ErrorReasons.InvalidItemId, ("value", itemId));
    }

    private static CatalogItem ToCatalogItem(string itemId, StoredItem item) => new(itemId, item.Name, item.PricePoints, item.Active, item.Stock);

    private StoreProfile Profile() => new(StoreId, State.CommunityId, State.Name, State.ServedCommunityIds.ToArray(), State.OpenedAt);
}
