using TimeBank.Contracts.V1;
using TimeBank.Grains.Internal;

namespace TimeBank.Grains.Stores;

/// <summary>
/// One book of a store day (<c>{store}@{yyyy-MM-dd}/{book}</c>): up to twenty of its receipts, kept apart
/// from the store's own state so that no write carries more than a book's worth however busy the day; the
/// head (book 0) also counts the day's refunds and keeps its summary once closed. Its store is its only caller.
/// </summary>
public sealed class StoreDayGrain : TimeBankGrain<StoreDayState>, IStoreDayGrain
{
    public const string TypeName = "storeday";

    private string StoreId => GrainId.Key[..GrainId.Key.LastIndexOf('@')];

    private string Day => GrainId.Key[(GrainId.Key.LastIndexOf('@') + 1)..GrainId.Key.LastIndexOf('/')];

    public Task<Result<Receipt>> RecordReceiptAsync(RecordReceipt command)
        => MutateAsync(command.Request, command, Result<Receipt> (c, changes) =>
        {
            var number = StoreDays.NumberOfReceipt(c.Receipt.ReceiptId);
            if (State.Receipts.TryGetValue(number, out var kept))
            {
                return kept; // recorded by an earlier attempt
            }

            State.Receipts[number] = c.Receipt;
            changes.StateWasChanged();
            return c.Receipt;
        });

    public Task<IReadOnlyList<string>> AppliedRefundsAsync(IReadOnlyList<string> refundIds)
        => Task.FromResult<IReadOnlyList<string>>(refundIds.Where(State.AppliedRefunds.Contains).ToList());

    public Task<Result<Receipt>> ApplyRefundAsync(ApplyRefund command)
        => MutateAsync(command.Request, command, Result<Receipt> (c, changes) =>
        {
            var number = StoreDays.NumberOfReceipt(c.ReceiptId);
            if (!State.Receipts.TryGetValue(number, out var receipt))
            {
                // The refund began from this receipt, so a copy without it is behind another process's: this refusal,
                // written against the copy's version, fails as stale, the copy reloads, and the store asks again.
                return Failure.Of(ErrorReasons.ReceiptNotFound, ("store_id", StoreId), ("receipt_id", c.ReceiptId));
            }

            if (State.AppliedRefunds.Contains(c.RefundId))
            {
                return receipt; // applied by an earlier attempt
            }

            var lines = receipt.Lines.ToList();
            long points = 0;
            foreach (var refunded in c.Lines)
            {
                var at = lines.FindIndex(l => l.ItemId == refunded.ItemId);
                if (at < 0 || lines[at].Quantity - lines[at].RefundedQuantity < refunded.Quantity)
                {
                    return Failure.Of(ErrorReasons.RefundExceedsPurchase, ("receipt_id", c.ReceiptId),
                        ("refundable", at < 0 ? 0 : lines[at].Quantity - lines[at].RefundedQuantity), ("item_id", refunded.ItemId), ("quantity", refunded.Quantity));
                }

                lines[at] = lines[at] with { RefundedQuantity = lines[at].RefundedQuantity + refunded.Quantity };
                points += receipt.PointsTaken > 0 ? refunded.Quantity * lines[at].UnitPricePoints : 0;
            }

            State.AppliedRefunds.Add(c.RefundId);
            receipt = receipt with { Lines = lines, RefundedPoints = receipt.RefundedPoints + points };
            State.Receipts[number] = receipt;
            if (c.CountHere)
            {
                State.Refunds.Add(new CountedRefund(c.RefundId, c.ReceiptId, c.Lines, points));
            }

            changes.StateWasChanged();
            return receipt;
        });

    public Task<Result<DaySummary>> CountRefundAsync(CountRefund command)
        => MutateAsync(command.Request, command, Result<DaySummary> (c, changes) =>
        {
            if (!State.Refunds.Any(r => r.RefundId == c.RefundId))
            {
                State.Refunds.Add(new CountedRefund(c.RefundId, c.ReceiptId, c.Lines, c.Points));
                changes.StateWasChanged();
            }

            return Summary(null);
        });

    public Task<Result<DaySummary>> GetSummaryAsync() => Task.FromResult<Result<DaySummary>>(State.Closed ?? Summary(null));

    public Task<Result<DaySummary>> CloseAsync(CloseStoreDay command)
        => MutateAsync(command.Request, command, Result<DaySummary> (c, changes) =>
        {
            if (State.Closed is { } closed)
            {
                return closed;
            }

            var day = c.OtherBooks.Aggregate(Summary(null), Add);
            State.Closed = day with { Closed = true, ClosedAt = changes.Now };
            changes.StateWasChanged();
            return State.Closed;
        });

    public Task<Result<Receipt>> GetReceiptAsync(GetReceipt query)
    {
        Result<Receipt> result = StoreDays.TryParseReceiptId(query.ReceiptId, out _, out var number) && State.Receipts.TryGetValue(number, out var receipt)
            ? receipt
            : ReceiptNotKnownHere(query.ReceiptId);
        return Task.FromResult(result);
    }

    /// <summary>
    /// A receipt this activation does not hold. Receipts are never removed, so it was either never recorded or
    /// recorded through another process's activation of this book, which this copy has not seen: it forgets its
    /// state after the turn, and the store's next call reads what is stored.
    /// </summary>
    private Failure ReceiptNotKnownHere(string receiptId)
    {
        Discard();
        return Failure.Of(ErrorReasons.ReceiptNotFound, ("store_id", StoreId), ("receipt_id", receiptId));
    }

    public Task<Result<ReceiptPage>> ListAsync(ListDayReceipts query)
    {
        var receipts = State.Receipts
            .Where(r => r.Key > query.AfterNumber && (query.VolunteerId.Length == 0 || r.Value.VolunteerId == query.VolunteerId))
            .Take(query.Limit)
            .Select(r => r.Value)
            .ToArray();
        return Task.FromResult<Result<ReceiptPage>>(new ReceiptPage(receipts, ""));
    }

    /// <summary>The day's figures from its receipts and refunds.</summary>
    private DaySummary Summary(DateTimeOffset? closedAt)
    {
        var receipts = State.Receipts.Values;
        return new DaySummary(
            StoreId,
            Day,
            Closed: closedAt is not null,
            closedAt,
            receipts.Count,
            PointsTaken: receipts.Sum(r => r.PointsTaken),
            PointsRefunded: State.Refunds.Sum(r => r.Points),
            ItemsOut: Count(receipts.SelectMany(r => r.Lines).Select(l => new BasketLine(l.ItemId, l.Quantity))),
            ItemsReturned: Count(State.Refunds.SelectMany(r => r.Lines)),
            Shortfalls: receipts.Count(r => r.ShortfallPoints > 0 || r.Lines.Any(l => l.ShortUnits > 0)),
            ShortfallPoints: receipts.Sum(r => r.ShortfallPoints),
            ShortfallUnits: receipts.Sum(r => r.Lines.Sum(l => l.ShortUnits)));
    }

    private static DaySummary Add(DaySummary a, DaySummary b) => a with
    {
        Receipts = a.Receipts + b.Receipts,
        PointsTaken = a.PointsTaken + b.PointsTaken,
        PointsRefunded = a.PointsRefunded + b.PointsRefunded,
        ItemsOut = Count(a.ItemsOut.Concat(b.ItemsOut).Select(i => new BasketLine(i.ItemId, i.Quantity))),
        ItemsReturned = Count(a.ItemsReturned.Concat(b.ItemsReturned).Select(i => new BasketLine(i.ItemId, i.Quantity))),
        Shortfalls = a.Shortfalls + b.Shortfalls,
        ShortfallPoints = a.ShortfallPoints + b.ShortfallPoints,
        ShortfallUnits = a.ShortfallUnits + b.ShortfallUnits,
    };

    private static ItemCount[] Count(IEnumerable<BasketLine> lines)
        => lines.GroupBy(l => l.ItemId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ItemCount(g.Key, g.Sum(l => l.Quantity))).ToArray();
}
