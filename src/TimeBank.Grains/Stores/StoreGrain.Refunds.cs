using TimeBank.Contracts.V1;
using TimeBank.Grains.Internal;
using TimeBank.Grains.Volunteers;
using TimeBank.Runtime;

namespace TimeBank.Grains.Stores;

/// <summary>
/// Refunds, as a saga this store drives: (1) check the lines against what the receipt still has, put the
/// units back in stock and record the refund as pending, in one write; (2) mark them refunded on the receipt
/// (in its day's book, once per refund id); (3) give the points back to the volunteer; (4) count the refund
/// on the day it is made, when that is not the receipt's day; (5) end it. A closed day's figures never
/// change: a refund counts on the day it happens.
/// </summary>
public sealed partial class StoreGrain
{
    public async Task<Result<RefundReceipt>> RefundAsync(Refund command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!StoreDays.TryParseReceiptId(command.ReceiptId, out _, out _))
        {
            return Failure.Of(ErrorReasons.InvalidReceiptId, ("value", command.ReceiptId));
        }

        IReadOnlyList<BasketLine> asked = [];
        if (command.Lines.Count > 0)
        {
            var basket = Basket(command.Lines);
            if (!basket.Succeeded)
            {
                return basket.Failure;
            }

            asked = basket.Value;
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.StoreNotFound, ("store_id", StoreId));
        }

        if (State.PendingSales.ContainsKey(command.ReceiptId))
        {
            return Failure.Of(ErrorReasons.RedemptionInProgress, ("receipt_id", command.ReceiptId));
        }

        // Read before the write (a read changes nothing): what the receipt has. Calls at this store are taken one
        // at a time, so it cannot change before the write below, except by refunds still under way, counted there.
        var found = await ReceiptAsync(command.ReceiptId);
        // A refund under way whose units the receipt already shows as refunded (step 2 done, the rest not yet) must
        // not be taken off what is left a second time: that refused refunds the receipt still allowed.
        var underWay = State.PendingRefunds.Where(r => r.Value.ReceiptId == command.ReceiptId).Select(r => r.Key).ToList();
        var applied = underWay.Count == 0 ? [] : (await BookOf(command.ReceiptId).AppliedRefundsAsync(underWay)).ToHashSet(StringComparer.Ordinal);
        var started = await MutateAsync(command.Request, command.Request.CallerKeyId, lookUpFirst: true, command, Result<RefundStarted> (c, changes) =>
        {
            if (!found.Succeeded)
            {
                return found.Failure;
            }

            var receipt = found.Value;
            var refundable = receipt.Lines.ToDictionary(l => l.ItemId, l => l.Quantity - l.RefundedQuantity, StringComparer.Ordinal);
            foreach (var pending in State.PendingRefunds.Where(r => r.Value.ReceiptId == receipt.ReceiptId && !applied.Contains(r.Key)).Select(r => r.Value))
            {
                foreach (var line in pending.Lines)
                {
                    refundable[line.ItemId] -= line.Quantity;
                }
            }

            var lines = asked.Count > 0 ? asked : refundable.Where(r => r.Value > 0).Select(r => new BasketLine(r.Key, r.Value)).ToArray();
            if (lines.Count == 0)
            {
                return Failure.Of(ErrorReasons.NothingToRefund, ("receipt_id", receipt.ReceiptId));
            }

            if (lines.FirstOrDefault(l => l.Quantity > refundable.GetValueOrDefault(l.ItemId)) is { } tooMany)
            {
                return Failure.Of(ErrorReasons.RefundExceedsPurchase, ("receipt_id", receipt.ReceiptId), ("refundable", refundable.GetValueOrDefault(tooMany.ItemId)),
                    ("item_id", tooMany.ItemId), ("quantity", tooMany.Quantity));
            }

            // Points come back only for what was paid: a sale whose points fell short gives back units alone.
            var prices = receipt.Lines.ToDictionary(l => l.ItemId, l => l.UnitPricePoints, StringComparer.Ordinal);
            var points = receipt.PointsTaken > 0 ? lines.Sum(l => l.Quantity * prices[l.ItemId]) : 0;
            foreach (var line in lines)
            {
                State.Items[line.ItemId].Stock += line.Quantity;
            }

            var id = $"{receipt.ReceiptId}-r{++State.LastRefundNumber}";
            State.PendingRefunds[id] = new PendingRefund
            {
                RequestId = c.Request.RequestId,
                ActorKeyId = changes.ActorKeyId,
                ReceiptId = receipt.ReceiptId,
                VolunteerId = receipt.VolunteerId,
                Lines = [.. lines],
                Points = points,
                Day = OpenDayFrom(Today(changes.Now)),
            };
            SetReminder(SalesReminder, changes.Now + RetryInterval, RetryInterval);
            changes.StateWasChanged();
            return new RefundStarted(id);
        });
        if (!started.Succeeded)
        {
            return started.Failure;
        }

        var refundId = started.Value.RefundId;
        if (!StateDiscarded && !State.PendingRefunds.ContainsKey(refundId)
            && long.TryParse(refundId.AsSpan(refundId.LastIndexOf('r') + 1), out var number) && number <= State.LastRefundNumber)
        {
            return await StoredRefundOutcomeAsync(refundId);
        }

        if (StateDiscarded || !State.PendingRefunds.ContainsKey(refundId))
        {
            Discard();
            return Failure.Of(ErrorReasons.RedemptionInProgress, ("receipt_id", refundId));
        }

        await options.StepHook("refund.recorded");
        return await FinishRefundAsync(refundId);
    }

    /// <summary>Steps (2) to (5) for one refund under way.</summary>
    private async Task<Result<RefundReceipt>> FinishRefundAsync(string refundId)
    {
        var refund = State.PendingRefunds[refundId];
        // Counted where it is applied when the receipt sits in the head book of the day the refund is made.
        var countHere = StoreDays.BookKey(StoreId, StoreDays.DayOfReceipt(refund.ReceiptId), StoreDays.NumberOfReceipt(refund.ReceiptId)) == StoreDays.HeadKey(StoreId, refund.Day);
        Receipt receipt;
        long pointsLeft;
        try
        {
            var applied = await BookOf(refund.ReceiptId).ApplyRefundAsync(new ApplyRefund(StepKey(refundId, "apply"), refundId, refund.ReceiptId, refund.Lines, countHere));
            receipt = applied.Succeeded ? applied.Value : throw new InvalidOperationException($"Refund {refundId}: the receipt's day refused it: {applied.Failure}.");
            await options.StepHook("refund.applied");
            var volunteer = GrainFactory.GetGrain<IVolunteerGrain>(refund.VolunteerId);
            if (refund.Points > 0)
            {
                var credited = await volunteer.CreditStoreRefundAsync(new StoreRefundCredit(StepKey(refundId, "credit"), refund.ActorKeyId, StoreId, refundId, refund.Points));
                pointsLeft = credited.Succeeded ? credited.Value.Balances.PointsAvailable : throw new InvalidOperationException($"Refund {refundId}: the volunteer refused the points: {credited.Failure}.");
            }
            else
            {
                pointsLeft = (await volunteer.GetBalanceAsync()).Value?.PointsAvailable ?? 0;
            }

            await options.StepHook("refund.credited");
            if (!countHere)
            {
                var counted = await HeadOf(refund.Day).CountRefundAsync(new CountRefund(StepKey(refundId, "count"), refundId, refund.ReceiptId, refund.Lines, refund.Points));
                _ = counted.Succeeded ? counted.Value : throw new InvalidOperationException($"Refund {refundId}: its day refused to count it: {counted.Failure}.");
            }
        }
        catch (Exception e) when (SagaSteps.AskAgainLater(e))
        {
            return Failure.Of(ErrorReasons.RedemptionInProgress, ("receipt_id", refundId));
        }

        var answer = new RefundReceipt(refundId, refund.Lines, refund.Points, receipt, pointsLeft);
        var settled = await MutateAsync(StepKey(refundId, "settle"), refund.ActorKeyId, lookUpFirst: false, refundId, Result<RefundReceipt> (id, changes) =>
        {
            if (!State.PendingRefunds.Remove(id, out var ended))
            {
                return Failure.Of(ErrorReasons.RedemptionInProgress, ("receipt_id", id)); // ended meanwhile: its stored answer decides
            }

            State.PointsRedeemed -= ended.Points;
            EndIfIdle();
            changes.StateWasChanged();
            return answer;
        }, "SettleRefund");
        return !settled.Succeeded || !StateDiscarded ? settled : Failure.Of(ErrorReasons.RedemptionInProgress, ("receipt_id", refundId));
    }

    private async Task<Result<RefundReceipt>> StoredRefundOutcomeAsync(string refundId)
        => await FindAnswerAsync<RefundReceipt>(SystemCallers.Stores, $"{StoreId}/{refundId}/settle") is { } answer
            ? answer
            : Failure.Of(ErrorReasons.RedemptionInProgress, ("receipt_id", refundId));

    private sealed record RefundStarted(string RefundId);
}
