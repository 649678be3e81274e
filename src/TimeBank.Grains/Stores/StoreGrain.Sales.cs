using TimeBank.Contracts.V1;
using TimeBank.Grains.Internal;
using TimeBank.Grains.Volunteers;
using TimeBank.Runtime;

namespace TimeBank.Grains.Stores;

/// <summary>
/// A sale at a terminal, as a saga this store drives: (1) reserve the basket's stock and record the sale as
/// pending, with a reminder, in one write; (2) hold the volunteer's points toward the store's redeemed
/// account; (3) post the hold; (4) record the receipt in its day's book; (5) take the reserved units out of
/// stock and end the sale. Each step is durable before the next and keyed by the receipt, so a crash between
/// any two is finished from the reminder without a new call: a refused hold releases the reservation, a
/// held one is always carried through. Calls at one store are taken one at a time, so two terminals cannot
/// both reserve the last unit.
/// </summary>
public sealed partial class StoreGrain
{
    private const string SalesReminder = "sales";

    public const int MaxBasketLines = 50;

    public const long MaxLineQuantity = 1_000;

    /// <summary>The most a basket can cost: every line at the most units and the highest price.</summary>
    public const long MaxTotalPoints = MaxBasketLines * MaxLineQuantity * MaxPricePoints;

    /// <summary>How soon an unfinished sale or refund is taken up again (the call that started it usually finishes it first).</summary>
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    public async Task<Result<Redemption>> RedeemAsync(Redeem command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!Identifiers.IsValidId(command.VolunteerId))
        {
            return Failure.Of(ErrorReasons.InvalidVolunteerId, ("value", command.VolunteerId));
        }

        var basket = Basket(command.Lines);
        if (!basket.Succeeded)
        {
            return basket.Failure;
        }

        if (command.TotalPoints is < 1 or > MaxTotalPoints)
        {
            return Failure.Of(ErrorReasons.TotalOutOfRange, ("value", command.TotalPoints), ("max", MaxTotalPoints));
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.StoreNotFound, ("store_id", StoreId));
        }

        if (await CheckCustomerAsync(command.VolunteerId) is { } notACustomer)
        {
            return notACustomer;
        }

        // Looked up first: what follows drives further writes from this state, so it must never be the state
        // of an attempt that collided with an earlier answer.
        var started = await MutateAsync(command.Request, command.Request.CallerKeyId, lookUpFirst: true, command, Result<SaleStarted> (c, changes) =>
        {
            var lines = new List<ReceiptLine>(basket.Value.Count);
            long total = 0;
            foreach (var line in basket.Value)
            {
                if (!State.Items.TryGetValue(line.ItemId, out var item))
                {
                    return Failure.Of(ErrorReasons.ItemNotFound, ("item_id", line.ItemId), ("store_id", StoreId));
                }

                if (!item.Active)
                {
                    return Failure.Of(ErrorReasons.ItemNotSold, ("item_id", line.ItemId), ("store_id", StoreId));
                }

                total += line.Quantity * item.PricePoints; // at most 50 x 1,000 x 1,000,000: no overflow
                lines.Add(new ReceiptLine(line.ItemId, item.Name, line.Quantity, item.PricePoints));
            }

            if (total != c.TotalPoints)
            {
                return Failure.Of(ErrorReasons.PriceChanged, ("total", total), ("shown", c.TotalPoints));
            }

            if (lines.FirstOrDefault(l => Available(l.ItemId) < l.Quantity) is { } shortLine)
            {
                return Failure.Of(ErrorReasons.OutOfStock, ("store_id", StoreId), ("available", Available(shortLine.ItemId)), ("item_id", shortLine.ItemId), ("quantity", shortLine.Quantity));
            }

            foreach (var line in lines)
            {
                State.Items[line.ItemId].Reserved += line.Quantity;
            }

            var id = Begin(changes, new PendingSale
            {
                RequestId = c.Request.RequestId,
                ActorKeyId = changes.ActorKeyId,
                VolunteerId = c.VolunteerId,
                Lines = lines,
                TotalPoints = total,
                SoldAt = changes.Now,
                Day = OpenDayFrom(Today(changes.Now)),
            });
            return new SaleStarted(id);
        });
        if (!started.Succeeded)
        {
            return started.Failure;
        }

        return await ContinueSaleAsync(started.Value.ReceiptId, "sale.reserved");
    }

    /// <summary>After step (1), by whichever call recorded or found it: the sale's outcome, finishing it if it is still under way.</summary>
    private async Task<Result<Redemption>> ContinueSaleAsync(string receiptId, string step)
    {
        if (!StateDiscarded && !State.PendingSales.ContainsKey(receiptId)
            && StoreDays.TryParseReceiptId(receiptId, out var day, out var number) && number <= State.ReceiptNumbers.GetValueOrDefault(day))
        {
            return await StoredSaleOutcomeAsync(receiptId); // ended before
        }

        if (StateDiscarded || !State.PendingSales.ContainsKey(receiptId))
        {
            // Recorded by another activation (another process) whose state this one has not seen: the next call
            // reloads it; meanwhile the sale finishes wherever it is recorded.
            Discard();
            return Failure.Of(ErrorReasons.RedemptionInProgress, ("receipt_id", receiptId));
        }

        await options.StepHook(step);
        return await FinishSaleAsync(receiptId);
    }

    /// <summary>Steps (2) to (5) for one sale under way.</summary>
    private async Task<Result<Redemption>> FinishSaleAsync(string receiptId)
    {
        var sale = State.PendingSales[receiptId];
        var volunteer = GrainFactory.GetGrain<IVolunteerGrain>(sale.VolunteerId);
        StorePointsMoved? paid = null; // the points taken, when they were
        Failure? refusal = null; // why they were not, when the volunteer refused
        try
        {
            if (sale.Offline)
            {
                if (sale.ShortfallReason.Length == 0)
                {
                    var debited = await volunteer.DebitOfflineSaleAsync(new OfflineDebit(
                        StepKey(receiptId, "debit"), sale.ActorKeyId, StoreId, receiptId, ServedCommunities(), sale.TotalPoints, sale.SoldAt));
                    (paid, refusal) = (debited.Value, debited.Failure);
                }
            }
            else
            {
                var held = await volunteer.HoldForStoreAsync(new StoreHold(StepKey(receiptId, "hold"), sale.ActorKeyId, StoreId, receiptId, ServedCommunities(), sale.TotalPoints));
                refusal = held.Failure;
                if (held.Succeeded)
                {
                    await options.StepHook("sale.held");
                    var posted = await volunteer.PostStoreHoldAsync(new StoreHoldPost(StepKey(receiptId, "post"), sale.ActorKeyId, held.Value.TransferId));
                    paid = posted.Succeeded ? posted.Value : throw new InvalidOperationException($"Sale {receiptId}: the post of its own hold was refused: {posted.Failure}.");
                    await options.StepHook("sale.posted");
                }
            }
        }
        catch (Exception e) when (SagaSteps.AskAgainLater(e))
        {
            // Whether the volunteer's step was made is unknown: the sale stays recorded, and the reminder asks
            // again; each step is keyed by the receipt, so none is ever made twice.
            return Failure.Of(ErrorReasons.RedemptionInProgress, ("receipt_id", receiptId));
        }

        Receipt? receipt = null;
        if (sale.Offline || paid is not null)
        {
            var shortfallReason = sale.ShortfallReason.Length > 0 ? sale.ShortfallReason
                : refusal is not null ? refusal.Reason.Code
                : sale.Lines.Any(l => l.ShortUnits > 0) ? ErrorReasons.OutOfStock.Code
                : "";
            var taken = paid is not null ? sale.TotalPoints : 0;
            receipt = new Receipt(receiptId, StoreId, sale.VolunteerId, sale.Lines, sale.TotalPoints, taken, 0, sale.SoldAt, sale.Day, sale.Offline,
                sale.TotalPoints - taken, shortfallReason, sale.RequestId);
            var recorded = await BookOf(receiptId).RecordReceiptAsync(new RecordReceipt(StepKey(receiptId, "record"), receipt));
            receipt = recorded.Succeeded ? recorded.Value : throw new InvalidOperationException($"Sale {receiptId}: its day refused the receipt: {recorded.Failure}.");
            await options.StepHook("sale.recorded");
        }

        var pointsLeft = paid?.Balances.PointsAvailable ?? 0;
        var settle = new SettleSale(receiptId, receipt is not null, refusal?.Reason.Code ?? "");
        var settled = await MutateAsync(StepKey(receiptId, "settle"), sale.ActorKeyId, lookUpFirst: false, settle,
            Result<SaleOutcome> (s, changes) => EndSale(s, receipt, pointsLeft, refusal, changes));
        if (!settled.Succeeded)
        {
            return settled.Failure;
        }

        return StateDiscarded ? Failure.Of(ErrorReasons.RedemptionInProgress, ("receipt_id", receiptId)) : Outcome(settled.Value);
    }

    /// <summary>Step (5): the sale ends — sold (reserved units leave stock) or refused (they are free again). Its answer, stored with it, is the sale's outcome for good.</summary>
    private Result<SaleOutcome> EndSale(SettleSale settle, Receipt? receipt, long pointsLeft, Failure? refusal, Changes changes)
    {
        if (!State.PendingSales.Remove(settle.ReceiptId, out var sale))
        {
            return Failure.Of(ErrorReasons.RedemptionInProgress, ("receipt_id", settle.ReceiptId)); // ended meanwhile: its stored answer decides
        }

        foreach (var line in sale.Lines)
        {
            var item = State.Items[line.ItemId];
            if (!sale.Offline)
            {
                item.Reserved -= line.Quantity;
                item.Stock -= receipt is null ? 0 : line.Quantity;
            }
        }

        if (receipt is not null)
        {
            State.PointsRedeemed += receipt.PointsTaken;
            State.ShortfallPoints += receipt.ShortfallPoints;
            State.ShortfallUnits += receipt.Lines.Sum(l => l.ShortUnits);
        }

        EndIfIdle();
        changes.StateWasChanged();
        return receipt is not null
            ? new SaleOutcome(new Redemption(receipt, pointsLeft), "", [])
            : new SaleOutcome(null, settle.RefusalCode, refusal?.Facts.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal) ?? []);
    }

    private async Task<Result<Redemption>> StoredSaleOutcomeAsync(string receiptId)
        => await FindAnswerAsync<SaleOutcome>(SystemCallers.Stores, $"{StoreId}/{receiptId}/settle") is { } outcome
            ? Outcome(outcome)
            : Failure.Of(ErrorReasons.RedemptionInProgress, ("receipt_id", receiptId));

    private static Result<Redemption> Outcome(SaleOutcome outcome)
    {
        if (outcome.Redemption is { } redemption)
        {
            return redemption;
        }

        var reason = ErrorReasons.All.FirstOrDefault(r => r.Code == outcome.RefusalCode) ?? ErrorReasons.VolunteerNotFound;
        return Failure.Of(reason, outcome.RefusalFacts.Select(f => (f.Key, (object?)f.Value)).ToArray());
    }

    /// <summary>
    /// Refuses, before anything is reserved, a sale to a volunteer who does not exist or whom this store does not
    /// serve. Volunteers are never removed, so once a sale has begun, "not found" can only be a copy behind.
    /// </summary>
    private async Task<Failure?> CheckCustomerAsync(string volunteerId)
    {
        var owner = await GrainFactory.GetGrain<IVolunteerGrain>(volunteerId).GetOwnerAsync();
        if (!owner.Exists)
        {
            return Failure.Of(ErrorReasons.VolunteerNotFound, ("volunteer_id", volunteerId));
        }

        return ServedCommunities().Contains(owner.CommunityId, StringComparer.Ordinal)
            ? null
            : Failure.Of(ErrorReasons.VolunteerNotServed, ("volunteer_id", volunteerId), ("community_id", owner.CommunityId), ("store_id", StoreId));
    }

    /// <summary>Records a sale as pending with the next receipt number, and makes sure the reminder will finish it.</summary>
    private string Begin(Changes changes, PendingSale sale)
    {
        var number = State.ReceiptNumbers.GetValueOrDefault(sale.Day) + 1;
        State.ReceiptNumbers[sale.Day] = number;
        var id = StoreDays.ReceiptId(sale.Day, number);
        State.PendingSales[id] = sale;
        SetReminder(SalesReminder, changes.Now + RetryInterval, RetryInterval);
        changes.StateWasChanged();
        return id;
    }

    /// <summary>Takes every unfinished sale and refund one step further; what still fails waits for the next reminder.</summary>
    private async Task ResumeAsync()
    {
        foreach (var id in State.PendingSales.Keys.ToArray())
        {
            if (StateDiscarded)
            {
                return;
            }

            await FinishSaleAsync(id);
        }

        foreach (var id in State.PendingRefunds.Keys.ToArray())
        {
            if (StateDiscarded)
            {
                return;
            }

            await FinishRefundAsync(id);
        }
    }

    /// <summary>Clears the reminder once nothing is under way (stored with the write that calls this).</summary>
    private void EndIfIdle()
    {
        if (State.PendingSales.Count == 0 && State.PendingRefunds.Count == 0)
        {
            ClearReminder(SalesReminder);
        }
    }

    private long Available(string itemId) => State.Items[itemId].Stock - State.Items[itemId].Reserved;

    private IReadOnlyList<string> ServedCommunities() => [State.CommunityId, .. State.ServedCommunityIds];

    /// <summary>The book that keeps a (well-formed) receipt id.</summary>
    private IStoreDayGrain BookOf(string receiptId)
        => StoreDays.TryParseReceiptId(receiptId, out var day, out var number)
            ? GrainFactory.GetGrain<IStoreDayGrain>(StoreDays.BookKey(StoreId, day, number))
            : throw new ArgumentException($"'{receiptId}' is not a receipt id.", nameof(receiptId));

    /// <summary>A day's head book: its refunds and its summary.</summary>
    private IStoreDayGrain HeadOf(string day) => GrainFactory.GetGrain<IStoreDayGrain>(StoreDays.HeadKey(StoreId, day));

    /// <summary>The request key of one of this store's own steps: unique across stores, as system request ids must be.</summary>
    private RequestKey StepKey(string id, string step) => new(SystemCallers.Stores, $"{StoreId}/{id}/{step}");

    /// <summary>A basket's lines, checked and merged by item (an item named twice counts once, quantities added).</summary>
    private static Result<IReadOnlyList<BasketLine>> Basket(IReadOnlyList<BasketLine> lines)
    {
        if (lines.Count is 0 or > MaxBasketLines)
        {
            return BasketFailure($"got {lines.Count} lines");
        }

        var merged = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (!Identifiers.IsValidId(line.ItemId))
            {
                return Failure.Of(ErrorReasons.InvalidItemId, ("value", line.ItemId));
            }

            if (line.Quantity is < 1 or > MaxLineQuantity)
            {
                return BasketFailure($"item {line.ItemId} has quantity {line.Quantity}");
            }

            merged[line.ItemId] = merged.GetValueOrDefault(line.ItemId) + line.Quantity;
            if (merged[line.ItemId] > MaxLineQuantity)
            {
                return BasketFailure($"item {line.ItemId} comes to {merged[line.ItemId]} units");
            }
        }

        return merged.Select(m => new BasketLine(m.Key, m.Value)).ToArray();
    }

    private static Failure BasketFailure(string problem)
        => Failure.Of(ErrorReasons.InvalidBasket, ("max_lines", MaxBasketLines), ("max_quantity", MaxLineQuantity), ("problem", problem));

    /// <summary>What step (1) stores as the answer to the caller's request id: which sale it began.</summary>
    private sealed record SaleStarted(string ReceiptId);

    /// <summary>Step (5)'s command: its fingerprint makes a second, different ending of one sale impossible.</summary>
    private sealed record SettleSale(string ReceiptId, bool Sold, string RefusalCode);

    /// <summary>How a sale ended: its receipt, or the volunteer's refusal (a catalog code and its facts).</summary>
    internal sealed record SaleOutcome(Redemption? Redemption, string RefusalCode, Dictionary<string, string> RefusalFacts);
}
