using TimeBank.Grains.Internal;

namespace TimeBank.Grains.Stores;

/// <summary>One store day's book: its receipts, the refunds made on it, and its summary once closed.</summary>
public sealed class StoreDayState : IJournaledState
{
    /// <summary>By receipt number.</summary>
    public SortedDictionary<long, Receipt> Receipts { get; set; } = [];

    /// <summary>Refunds made on this day, counted in its figures.</summary>
    public List<CountedRefund> Refunds { get; set; } = [];

    /// <summary>Refund ids already marked on this day's receipts.</summary>
    public HashSet<string> AppliedRefunds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The summary fixed at the close; null while open.</summary>
    public DaySummary? Closed { get; set; }

    public long JournalSequence { get; set; }

    public byte[] JournalHash { get; set; } = [];
}

public sealed record CountedRefund(string RefundId, string ReceiptId, IReadOnlyList<BasketLine> Lines, long Points);
