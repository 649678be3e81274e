namespace TimeBank.Grains.Stores;

/// <param name="UnitPricePoints">The price the sale was made at.</param>
/// <param name="RefundedQuantity">Units given back since.</param>
/// <param name="ShortUnits">Units sold offline that the stock count did not have (the count was wrong).</param>
public sealed record ReceiptLine(string ItemId, string Name, long Quantity, long UnitPricePoints, long RefundedQuantity = 0, long ShortUnits = 0);

/// <param name="ReceiptId"><c>{yyyyMMdd}-{number}</c>: the store day it counts on and the store's receipt number.</param>
/// <param name="Day">The store day it counts on (<c>yyyy-MM-dd</c>): the day it was sold, or the first day still open after it.</param>
/// <param name="SoldAt">When the sale happened (for an offline sale, when the terminal made it).</param>
/// <param name="PointsTaken">What the volunteer paid: the total, or 0 when the points fell short.</param>
/// <param name="ShortfallPoints">Points of an offline sale the store did not get, carried by the store.</param>
/// <param name="ShortfallReason">Why points or units fell short (a reason code), or empty.</param>
public sealed record Receipt(
    string ReceiptId,
    string StoreId,
    string VolunteerId,
    IReadOnlyList<ReceiptLine> Lines,
    long TotalPoints,
    long PointsTaken,
    long RefundedPoints,
    DateTimeOffset SoldAt,
    string Day,
    bool Offline,
    long ShortfallPoints,
    string ShortfallReason,
    string RequestId);

/// <param name="PointsLeft">The volunteer's points available after the sale.</param>
public sealed record Redemption(Receipt Receipt, long PointsLeft);

/// <param name="RefundId"><c>{receipt id}-r{n}</c>.</param>
/// <param name="Lines">What came back by this refund.</param>
/// <param name="Receipt">The receipt with every refund so far.</param>
/// <param name="PointsLeft">The volunteer's points available after it.</param>
public sealed record RefundReceipt(string RefundId, IReadOnlyList<BasketLine> Lines, long PointsRefunded, Receipt Receipt, long PointsLeft);

public sealed record ReceiptPage(IReadOnlyList<Receipt> Receipts, string NextPageToken);

public sealed record ItemCount(string ItemId, long Quantity);

/// <summary>A store day's figures. Closed, they never change: what happens later counts on a later day.</summary>
/// <param name="PointsTaken">Points paid on the day's receipts.</param>
/// <param name="PointsRefunded">Points given back by refunds made on the day (of any day's receipts).</param>
/// <param name="ItemsOut">Units on the day's receipts, by item.</param>
/// <param name="ItemsReturned">Units refunded on the day, by item.</param>
/// <param name="Shortfalls">Offline sales of the day that could not be fully honoured.</param>
public sealed record DaySummary(
    string StoreId,
    string Day,
    bool Closed,
    DateTimeOffset? ClosedAt,
    long Receipts,
    long PointsTaken,
    long PointsRefunded,
    IReadOnlyList<ItemCount> ItemsOut,
    IReadOnlyList<ItemCount> ItemsReturned,
    long Shortfalls,
    long ShortfallPoints,
    long ShortfallUnits);

public sealed record StoreRules(string StoreId, long OfflineDailyLimitPoints, int UtcOffsetMinutes, bool Changed);

/// <summary>How one offline sale was applied.</summary>
/// <param name="Applied">True when it is recorded (with or without a shortfall); false when it was refused as malformed and nothing was recorded.</param>
/// <param name="Reason">Why points or units fell short, or why it was refused (a reason code); empty when honoured in full.</param>
/// <param name="Message">The reason in words; empty when none.</param>
public sealed record OfflineSaleOutcome(string RequestId, bool Applied, Receipt? Receipt, string Reason, string Message);

public sealed record OfflineSync(IReadOnlyList<OfflineSaleOutcome> Sales);
