using TimeBank.Contracts.V1;
using TimeBank.Grains.Internal;
using TimeBank.Grains.Volunteers;

namespace TimeBank.Grains.Stores;

/// <summary>
/// Sales an offline terminal made from its last catalog. Each is applied once, by its own request id, in the
/// order given, as a sale of its own: its units leave stock at once (never below zero; what the count did not
/// have is recorded as short), and its points are taken at the time it happened. Points the volunteer no
/// longer has, or that pass the store's offline daily limit, are not taken: the store carries them as a
/// shortfall, recorded on the receipt and in the day's figures. Nothing of a sale is ever dropped.
/// </summary>
public sealed partial class StoreGrain
{
    public const int MaxOfflineBatch = 500;

    /// <summary>How old an offline sale a sync still takes.</summary>
    public static readonly TimeSpan OfflineSaleHorizon = TimeSpan.FromDays(30);

    /// <summary>How far ahead of the server's clock a terminal's clock may run.</summary>
    private static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    public async Task<Result<OfflineSync>> SyncOfflineRedemptionsAsync(SyncOfflineRedemptions command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (command.Sales.Count is 0 or > MaxOfflineBatch)
        {
            return Failure.Of(ErrorReasons.InvalidOfflineBatch, ("max", MaxOfflineBatch), ("problem", $"got {command.Sales.Count}"));
        }

        if (command.Sales.GroupBy(s => s.RequestId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return Failure.Of(ErrorReasons.InvalidOfflineBatch, ("max", MaxOfflineBatch), ("problem", $"request id {twice.Key} appears {twice.Count()} times"));
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.StoreNotFound, ("store_id", StoreId));
        }

        var outcomes = new List<OfflineSaleOutcome>(command.Sales.Count);
        foreach (var sale in command.Sales)
        {
            outcomes.Add(await ApplyOfflineSaleAsync(sale, command.Request.CallerKeyId));
        }

        return new OfflineSync(outcomes);
    }

    private async Task<OfflineSaleOutcome> ApplyOfflineSaleAsync(OfflineSale sale, string callerKeyId)
    {
        if (StateDiscarded)
        {
            // An earlier sale of the batch met state another process wrote: this one waits for the next sync.
            return Refused(sale, Failure.Of(ErrorReasons.ConcurrentUpdate));
        }

        if (ValidateOfflineSale(sale, Clock.GetUtcNow()) is { } invalid)
        {
            return Refused(sale, invalid);
        }

        // A sale to nobody (a mistyped id) is refused alone, like a malformed one: the terminal keeps it to correct.
        // Sold to a volunteer of a community the store does not serve, it is recorded and the store carries its points.
        var owner = await GrainFactory.GetGrain<IVolunteerGrain>(sale.VolunteerId).GetOwnerAsync();
        if (!owner.Exists && await FindRequestAsync(callerKeyId, sale.RequestId) is null)
        {
            return Refused(sale, Failure.Of(ErrorReasons.VolunteerNotFound, ("volunteer_id", sale.VolunteerId)));
        }

        // Each sale is its own request (the terminal's id for it), so a repeated sync finds it and changes nothing.
        var started = await MutateAsync(new RequestKey(callerKeyId, sale.RequestId), callerKeyId, lookUpFirst: true, sale, Result<SaleStarted> (s, changes) =>
        {
            if (s.Lines.FirstOrDefault(l => !State.Items.ContainsKey(l.ItemId)) is { } unknown)
            {
                return Failure.Of(ErrorReasons.ItemNotFound, ("item_id", unknown.ItemId), ("store_id", StoreId));
            }

            var lines = new List<ReceiptLine>(s.Lines.Count);
            foreach (var line in s.Lines)
            {
                var item = State.Items[line.ItemId];
                var taken = Math.Min(line.Quantity, Math.Max(0, item.Stock - item.Reserved));
                item.Stock -= taken;
                lines.Add(new ReceiptLine(line.ItemId, item.Name, line.Quantity, line.UnitPricePoints, ShortUnits: line.Quantity - taken));
            }

            var soldOn = StoreDays.DayOf(s.SoldAt, State.UtcOffsetMinutes);
            var spentKey = $"{soldOn}|{s.VolunteerId}";
            var spent = State.OfflineSpent.GetValueOrDefault(spentKey) + s.TotalPoints;
            var overLimit = spent > State.OfflineDailyLimitPoints;
            if (!overLimit)
            {
                State.OfflineSpent[spentKey] = spent;
            }

            var id = Begin(changes, new PendingSale
            {
                RequestId = s.RequestId,
                ActorKeyId = changes.ActorKeyId,
                VolunteerId = s.VolunteerId,
                Lines = lines,
                TotalPoints = s.TotalPoints,
                SoldAt = Storage.UnixMicroseconds.Truncate(s.SoldAt),
                Day = OpenDayFrom(soldOn),
                Offline = true,
                ShortfallReason = overLimit ? ErrorReasons.OfflineLimitExceeded.Code : "",
            });
            return new SaleStarted(id);
        }, "OfflineSale");
        if (!started.Succeeded)
        {
            return Refused(sale, started.Failure);
        }

        var finished = await ContinueSaleAsync(started.Value.ReceiptId, "sale.reserved");
        if (!finished.Succeeded)
        {
            return new OfflineSaleOutcome(sale.RequestId, Applied: true, null, finished.Failure.Reason.Code, finished.Failure.Message);
        }

        var receipt = finished.Value.Receipt;
        var shortUnits = receipt.Lines.Sum(l => l.ShortUnits);
        var message = (receipt.ShortfallPoints, shortUnits) switch
        {
            (0, 0) => "",
            (0, _) => $"{shortUnits} unit(s) were sold beyond the stock count; the store carries them.",
            _ => $"{receipt.ShortfallPoints} points were not taken ({receipt.ShortfallReason})"
                 + (shortUnits > 0 ? $" and {shortUnits} unit(s) were sold beyond the stock count" : "") + "; the store carries them.",
        };
        return new OfflineSaleOutcome(sale.RequestId, Applied: true, receipt, receipt.ShortfallReason, message);
    }

    private static OfflineSaleOutcome Refused(OfflineSale sale, Failure failure)
        => new(sale.RequestId, Applied: false, null, failure.Reason.Code, failure.Message);

    private static Failure? ValidateOfflineSale(OfflineSale sale, DateTimeOffset now)
    {
        if (!Identifiers.IsValidRequestId(sale.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", sale.RequestId));
        }

        if (!Identifiers.IsValidId(sale.VolunteerId))
        {
            return Failure.Of(ErrorReasons.InvalidVolunteerId, ("value", sale.VolunteerId));
        }

        if (Basket(sale.Lines.Select(l => new BasketLine(l.ItemId, l.Quantity)).ToArray()) is { Succeeded: false } basket)
        {
            return basket.Failure;
        }

        if (sale.Lines.GroupBy(l => l.ItemId, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            return BasketFailure("an offline sale names each item once");
        }

        if (sale.Lines.FirstOrDefault(l => l.UnitPricePoints is < 1 or > MaxPricePoints) is { } badPrice)
        {
            return Failure.Of(ErrorReasons.PriceOutOfRange, ("value", badPrice.UnitPricePoints), ("max", MaxPricePoints));
        }

        var total = sale.Lines.Sum(l => l.Quantity * l.UnitPricePoints);
        if (total != sale.TotalPoints)
        {
            return Failure.Of(ErrorReasons.OfflineTotalMismatch, ("total", total), ("shown", sale.TotalPoints));
        }

        return sale.SoldAt > now + ClockSkewAllowance || sale.SoldAt < now - OfflineSaleHorizon
            ? Failure.Of(ErrorReasons.SoldAtOutOfRange, ("value", sale.SoldAt.ToString("O")), ("days", OfflineSaleHorizon.TotalDays))
            : null;
    }
}
