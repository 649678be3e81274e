using TimeBank.Grains.Internal;

namespace TimeBank.Grains.Stores;

/// <summary>A store's stored state: what it is, whom it serves, and its catalog with stock.</summary>
public sealed class StoreState : IJournaledState
{
    public string CommunityId { get; set; } = "";

    public string Name { get; set; } = "";

    public List<string> ServedCommunityIds { get; set; } = [];

    public DateTimeOffset OpenedAt { get; set; }

    public SortedDictionary<string, StoredItem> Items { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Every restock and count correction, in order: what came in, from whom, and what was corrected why.</summary>
    public List<StockMovement> StockMovements { get; set; } = [];

    public long JournalSequence { get; set; }

    public byte[] JournalHash { get; set; } = [];
}

public sealed class StoredItem
{
    public string Name { get; set; } = "";

    public long PricePoints { get; set; }

    public bool Active { get; set; }

    public long Stock { get; set; }
}

/// <param name="Change">Units added (negative for a correction downwards).</param>
/// <param name="Source">Donated, bought, or null for a count correction.</param>
/// <param name="Note">The donor for a donation; the reason for a correction.</param>
public sealed record StockMovement(string ItemId, long Change, StockSource? Source, string Note, DateTimeOffset At, string ActorKeyId);
