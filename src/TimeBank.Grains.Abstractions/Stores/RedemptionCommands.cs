namespace TimeBank.Grains.Stores;

/// <param name="Quantity">1 to 1,000 units.</param>
public sealed record BasketLine(string ItemId, long Quantity);

/// <summary>A sale at a terminal: the basket and the total the terminal showed for it.</summary>
/// <param name="Lines">1 to 50 lines; an item named twice counts once with the quantities added.</param>
/// <param name="TotalPoints">What the terminal showed; PRICE_CHANGED when the catalog's prices now make it another total.</param>
public sealed record Redeem(RequestKey Request, string VolunteerId, IReadOnlyList<BasketLine> Lines, long TotalPoints);

/// <param name="ReceiptId">The receipt to refund.</param>
/// <param name="Lines">What comes back; empty for everything on the receipt not yet refunded.</param>
public sealed record Refund(RequestKey Request, string ReceiptId, IReadOnlyList<BasketLine> Lines);

public sealed record GetReceipt(string ReceiptId);

/// <summary>Receipts counted on the store days from <paramref name="FromDay"/> to <paramref name="ToDay"/>, oldest first.</summary>
/// <param name="FromDay">A store day, <c>yyyy-MM-dd</c>.</param>
/// <param name="ToDay">The last day, at most 31 days after the first; empty for the first day only.</param>
/// <param name="VolunteerId">Only this volunteer's receipts; empty for all.</param>
/// <param name="PageSize">1 to 500; 0 means 100.</param>
/// <param name="PageToken">Empty for the first page; else the previous page's <see cref="ReceiptPage.NextPageToken"/>, with the same filters.</param>
public sealed record ListReceipts(string FromDay, string ToDay = "", string VolunteerId = "", int PageSize = 0, string PageToken = "");

/// <param name="Day">A store day, <c>yyyy-MM-dd</c>, not after the store's today.</param>
public sealed record CloseDay(RequestKey Request, string Day);

/// <param name="OfflineDailyLimitPoints">The most points one volunteer may spend at this store in one day at a terminal that is offline: 0 to 1,000,000 (0: no offline sales).</param>
/// <param name="UtcOffsetMinutes">The store's local time against UTC, -840 to 840 minutes: where its days begin.</param>
public sealed record SetStoreRules(RequestKey Request, long OfflineDailyLimitPoints, int UtcOffsetMinutes);

/// <param name="UnitPricePoints">The price the terminal's last catalog showed, which the sale honours.</param>
public sealed record OfflineLine(string ItemId, long Quantity, long UnitPricePoints);

/// <summary>A sale a terminal made while offline, with its own request id and when it happened.</summary>
public sealed record OfflineSale(string RequestId, string VolunteerId, IReadOnlyList<OfflineLine> Lines, long TotalPoints, DateTimeOffset SoldAt);

/// <param name="Sales">1 to 500 sales, in the order they were made.</param>
public sealed record SyncOfflineRedemptions(RequestKey Request, IReadOnlyList<OfflineSale> Sales);
