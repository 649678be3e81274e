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

    /// <summary>The most points one volunteer may spend here in a day at an offline terminal (0: none).</summary>
    public long OfflineDailyLimitPoints { get; set; }

    /// <summary>The store's local time against UTC, in minutes: where its days begin.</summary>
    public int UtcOffsetMinutes { get; set; }

    /// <summary>The last receipt number given on each day (numbers start at 1 each day); kept for <see cref="StoreGrain.ReceiptCountRetention"/>.</summary>
    public SortedDictionary<string, long> ReceiptNumbers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The last refund number given (refund ids are <c>{receipt id}-r{number}</c>).</summary>
    public long LastRefundNumber { get; set; }

    /// <summary>Sales begun and not yet finished (stock reserved, points maybe held), by receipt id.</summary>
    public SortedDictionary<string, PendingSale> PendingSales { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Refunds decided and not yet finished, by refund id.</summary>
    public SortedDictionary<string, PendingRefund> PendingRefunds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Days closed (yyyy-MM-dd): nothing more counts on them.</summary>
    public SortedSet<string> ClosedDays { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Points each volunteer spent at offline terminals, by <c>{day}|{volunteer}</c>, for the daily limit; kept for <see cref="StoreGrain.OfflineSaleHorizon"/>.</summary>
    public SortedDictionary<string, long> OfflineSpent { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Points taken by sales less points refunded: what the store's redeemed account holds.</summary>
    public long PointsRedeemed { get; set; }

    /// <summary>Points of offline sales the store did not get, and units sold that the count did not have.</summary>
    public long ShortfallPoints { get; set; }

    public long ShortfallUnits { get; set; }

    public long JournalSequence { get; set; }

    public byte[] JournalHash { get; set; } = [];
}

public sealed class StoredItem
{
    public string Name { get; set; } = "";

    public long PricePoints { get; set; }

    public bool Active { get; set; }

    public long Stock { get; set; }

    /// <summary>Units of <see cref="Stock"/> promised to sales under way; what can be sold is the difference.</summary>
    public long Reserved { get; set; }
}

/// <summary>A sale under way, as the store keeps it until it ends: enough to finish it after a crash.</summary>
public sealed class PendingSale
{
    public string RequestId { get; set; } = "";

    public string ActorKeyId { get; set; } = "";

    public string VolunteerId { get; set; } = "";

    public List<ReceiptLine> Lines { get; set; } = [];

    public long TotalPoints { get; set; }

    public DateTimeOffset SoldAt { get; set; }

    public string Day { get; set; } = "";

    /// <summary>An offline sale: its stock is already taken, and its points are debited at once (no hold).</summary>
    public bool Offline { get; set; }

    /// <summary>Offline only: the reason the points are not taken, decided when it was recorded (over the daily limit), or empty.</summary>
    public string ShortfallReason { get; set; } = "";
}

/// <summary>A refund decided (its units already back in stock) whose points and records are being given.</summary>
public sealed class PendingRefund
{
    public string RequestId { get; set; } = "";

    public string ActorKeyId { get; set; } = "";

    public string ReceiptId { get; set; } = "";

    public string VolunteerId { get; set; } = "";

    public List<BasketLine> Lines { get; set; } = [];

    public long Points { get; set; }

    /// <summary>The day it counts on.</summary>
    public string Day { get; set; } = "";
}

/// <param name="Change">Units added (negative for a correction downwards).</param>
/// <param name="Source">Donated, bought, or null for a count correction.</param>
/// <param name="Note">The donor for a donation; the reason for a correction.</param>
public sealed record StockMovement(string ItemId, long Change, StockSource? Source, string Note, DateTimeOffset At, string ActorKeyId);
