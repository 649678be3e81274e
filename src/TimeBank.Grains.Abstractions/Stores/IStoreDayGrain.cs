using TimeBank.Runtime;

namespace TimeBank.Grains.Stores;

/// <summary>
/// One book of a store day: up to twenty of the receipts that count on it; the day's first book (its head)
/// also keeps the refunds made on the day and, once closed, the day's fixed summary. Keyed
/// <c>{store id}@{yyyy-MM-dd}/{book}</c>; called by its store's grain only, which is what serializes everything
/// a day receives.
/// </summary>
public interface IStoreDayGrain : IGrainWithStringKey
{
    Task<Result<Receipt>> RecordReceiptAsync(RecordReceipt command);

    /// <summary>Marks units of one of this day's receipts as given back, never more than were bought; once per refund id.</summary>
    Task<Result<Receipt>> ApplyRefundAsync(ApplyRefund command);

    /// <summary>Counts a refund made on this day (of a receipt of any day) in the day's figures; once per refund id.</summary>
    Task<Result<DaySummary>> CountRefundAsync(CountRefund command);

    /// <summary>The head's fixed summary once closed; else this book's own figures (its receipts and the refunds counted in it).</summary>
    Task<Result<DaySummary>> GetSummaryAsync();

    /// <summary>Fixes the day's summary in its head: this book's figures and the other books'. Closing again answers the same.</summary>
    Task<Result<DaySummary>> CloseAsync(CloseStoreDay command);

    Task<Result<Receipt>> GetReceiptAsync(GetReceipt query);

    /// <summary>Which of <paramref name="refundIds"/> this book has applied (their units already count as refunded on its receipts).</summary>
    Task<IReadOnlyList<string>> AppliedRefundsAsync(IReadOnlyList<string> refundIds);

    /// <summary>Receipts after <paramref name="query"/>'s number, by number, for one volunteer or all.</summary>
    Task<Result<ReceiptPage>> ListAsync(ListDayReceipts query);
}

public sealed record RecordReceipt(RequestKey Request, Receipt Receipt);

/// <param name="Lines">Units to give back; checked against what the receipt still has.</param>
/// <param name="CountHere">True when the refund is made on this same (open) day, so it counts in this day's figures too.</param>
public sealed record ApplyRefund(RequestKey Request, string RefundId, string ReceiptId, IReadOnlyList<BasketLine> Lines, bool CountHere);

public sealed record CountRefund(RequestKey Request, string RefundId, string ReceiptId, IReadOnlyList<BasketLine> Lines, long Points);

/// <param name="OtherBooks">The figures of the day's other books.</param>
public sealed record CloseStoreDay(RequestKey Request, IReadOnlyList<DaySummary> OtherBooks);

/// <param name="AfterNumber">Receipts numbered above this; 0 for all.</param>
public sealed record ListDayReceipts(string VolunteerId, long AfterNumber, int Limit);
