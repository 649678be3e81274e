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
