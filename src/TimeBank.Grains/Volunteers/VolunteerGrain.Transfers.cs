using TimeBank.Contracts.V1;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Internal;
using TimeBank.Ledger;
using TimeBank.Runtime;
using TimeBank.Storage;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Volunteers;

/// <summary>
/// Hour transfers between volunteers, as a saga the payer drives: (1) hold the hours here, pending, toward
/// <see cref="AccountNames.HoursInTransit"/>, with the transfer recorded in state and a reminder set, in one
/// write; (2) the recipient credits them from transit, idempotently by transfer id; (3) post the hold — or
/// void it if the recipient refused. Each step is durable before the next starts, so a crash between any two
/// leaves a state the reminder finishes from: the hours are never created (a credit without a held debit)
/// nor lost (a debit without a credit).
/// </summary>
public sealed partial class VolunteerGrain
{
    private const string TransfersReminder = "transfers";

    /// <summary>How soon an unfinished transfer is taken up again (the call that started it usually finishes it first).</summary>
    private static readonly TimeSpan TransferRetryInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A transfer's hold is ended by the transfer, never by time; its timeout only has to lie beyond any outage.
    /// Should it still pass, the post releases the hold and posts the same amount directly (see <see cref="Post"/>).
    /// </summary>
    private static readonly TimeSpan TransferHoldLifetime = TimeSpan.FromDays(3650);

    private static readonly TransferCode[] TransferCodes = [TransferCode.Gift, TransferCode.Exchange];

    public async Task<Result<TransferReceipt>> TransferHoursAsync(TransferHours command)
    {
        if (Validate(command) is { } invalid)
        {
            return invalid;
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.VolunteerNotFound, ("volunteer_id", VolunteerId));
        }

        var rules = await RulesAsync();
        if (!rules.Succeeded)
        {
            return rules.Failure;
        }

        GrainOwner recipient;
        try
        {
            recipient = await GrainFactory.GetGrain<IVolunteerGrain>(command.ToVolunteerId).GetOwnerAsync();
        }
        catch (GrainCallCycleException)
        {
            // The recipient is waiting on this volunteer (a transfer the other way); nothing is held yet.
            return Failure.Of(ErrorReasons.ConcurrentUpdate);
        }

        if (!recipient.Exists)
        {
            return Failure.Of(ErrorReasons.RecipientNotFound, ("to_volunteer_id", command.ToVolunteerId));
        }

        // Looked up first: what follows drives further writes from this state, so it must never be the state
        // of an attempt that collided with an earlier answer.
        var started = await MutateAsync(command.Request, command.Request.CallerKeyId, lookUpFirst: true, command, Result<TransferStarted> (c, changes) =>
        {
            var id = changes.NextTransferId;
            var hold = new Move(LedgerKind.Hours, AccountNames.VolunteerHours(VolunteerId), AccountNames.HoursInTransit, c.Minutes, c.Code,
                c.ToVolunteerId, Memo: c.Memo, Kind: TransferKind.Pending, Timeout: changes.Now + TransferHoldLifetime);
            var book = Book(rules.Value);
            if (changes.Apply(book, hold, rules.Value.Version) is not TransferResult.Ok and var refused)
            {
                return LedgerFailures.Of(refused, book, hold);
            }

            State.Outgoing[id] = new OutgoingTransfer
            {
                RequestId = c.Request.RequestId,
                ActorKeyId = changes.ActorKeyId,
                ToVolunteerId = c.ToVolunteerId,
                ToCommunityId = recipient.CommunityId ?? "",
                Minutes = c.Minutes,
                Code = c.Code,
                Memo = c.Memo,
                StartedAt = changes.Now,
            };
            SetReminder(TransfersReminder, changes.Now + TransferRetryInterval, TransferRetryInterval);
            return new TransferStarted(id);
        });
        if (!started.Succeeded)
        {
            return started.Failure;
        }

        if (!StateDiscarded && !State.Outgoing.ContainsKey(started.Value.TransferId)
            && ParseTransferId(started.Value.TransferId) is { Mine: true } seen && seen.Sequence <= State.JournalSequence)
        {
            return await StoredOutcomeAsync(started.Value.TransferId); // ended long ago and dropped from state
        }

        if (StateDiscarded || !State.Outgoing.ContainsKey(started.Value.TransferId))
        {
            // Recorded by another activation (another process) whose state this one has not seen: the next
            // call reloads it; meanwhile the transfer finishes wherever it is held.
            Discard();
            return Failure.Of(ErrorReasons.TransferInProgress, ("transfer_id", started.Value.TransferId));
        }

        await options.StepHook("transfer.held");
        return await FinishTransferAsync(started.Value.TransferId);
    }

    public async Task<Result<TransferCredited>> ReceiveTransferAsync(ReceiveTransfer command)
    {
        if (!StateExists)
        {
            // The payer checked the recipient exists before it held anything, and volunteers are never removed, so
            // this copy is most likely behind another process's; see RefuseStepAsync.
            return await RefuseStepAsync<ReceiveTransfer, TransferCredited>(
                command.Request, command.ActorKeyId, command, Failure.Of(ErrorReasons.RecipientNotFound, ("to_volunteer_id", VolunteerId)));
        }

        var rules = await RulesAsync();
        if (!rules.Succeeded)
        {
            return rules.Failure;
        }

        // Looked up first: a resumed transfer asks again, and its second credit must find the first, not collide with it.
        return await MutateAsync(command.Request, command.ActorKeyId, lookUpFirst: true, command, Result<TransferCredited> (c, changes) =>
        {
            var credit = new Move(LedgerKind.Hours, AccountNames.HoursInTransit, AccountNames.VolunteerHours(VolunteerId), c.Minutes, c.Code,
                c.TransferId, Memo: c.Memo);
            var book = Book(rules.Value);
            if (changes.Apply(book, credit, rules.Value.Version) is not TransferResult.Ok and var refused)
            {
                return LedgerFailures.Of(refused, book, credit);
            }

            return new TransferCredited(c.TransferId, c.Minutes, Balances());
        });
    }

    /// <summary>Takes every unfinished transfer one step further; what still fails waits for the next reminder.</summary>
    private async Task ResumeTransfersAsync()
    {
        foreach (var id in State.Outgoing.Where(t => t.Value.Status == OutgoingTransferStatus.Pending).Select(t => t.Key).ToArray())
        {
            if (StateDiscarded)
            {
                return;
            }

            await FinishTransferAsync(id);
        }

        if (!StateDiscarded && !State.Outgoing.Values.Any(t => t.Status == OutgoingTransferStatus.Pending))
        {
            ClearReminder(TransfersReminder); // stored by the host after this call
        }
    }

    /// <summary>Steps (2) and (3) for one transfer held here, or its outcome if it has ended.</summary>
    private async Task<Result<TransferReceipt>> FinishTransferAsync(string transferId)
    {
        var transfer = State.Outgoing[transferId];
        if (transfer.Status != OutgoingTransferStatus.Pending)
        {
            return Outcome(transfer.ToOutcome(transferId));
        }

        Result<TransferCredited> credited;
        try
        {
            credited = await GrainFactory.GetGrain<IVolunteerGrain>(transfer.ToVolunteerId).ReceiveTransferAsync(new ReceiveTransfer(
                new RequestKey(SystemCallers.Transfers, transferId), transfer.ActorKeyId, transferId, VolunteerId, State.CommunityId, transfer.Minutes,
                transfer.Code, transfer.Memo));
        }
        catch (Exception e) when (SagaSteps.AskAgainLater(e))
        {
            // Whether the recipient credited is unknown (a timeout) or it could not be asked now (a cycle):
            // the hold stays, and the reminder asks again; a credit is never repeated, being keyed by transfer id.
            return Failure.Of(ErrorReasons.TransferInProgress, ("transfer_id", transferId));
        }

        await options.StepHook("transfer.credited");
        var settle = new SettleTransfer(transferId, credited.Succeeded, credited.Failure?.Reason.Code ?? "");
        var settled = await MutateAsync(
            new RequestKey(SystemCallers.Transfers, $"{transferId}/settle"), transfer.ActorKeyId, lookUpFirst: false, settle,
            Result<TransferOutcome> (s, changes) => Settle(s, credited.Failure, changes));
        if (!settled.Succeeded)
        {
            return settled.Failure;
        }

        return StateDiscarded ? Failure.Of(ErrorReasons.TransferInProgress, ("transfer_id", transferId)) : Outcome(settled.Value);
    }

    /// <summary>The outcome of a transfer no longer in state, from the answer its settlement stored.</summary>
    private async Task<Result<TransferReceipt>> StoredOutcomeAsync(string transferId)
        => await FindAnswerAsync<TransferOutcome>(SystemCallers.Transfers, $"{transferId}/settle") is { } outcome
            ? Outcome(outcome)
            : Failure.Of(ErrorReasons.TransferInProgress, ("transfer_id", transferId));

    /// <summary>
    /// Step (3): post the hold when the recipient credited it, void it when the recipient refused. Its answer,
    /// stored with it, is the transfer's final outcome, which outlives the record in state.
    /// </summary>
    private Result<TransferOutcome> Settle(SettleTransfer settle, Failure? refusal, Changes changes)
    {
        var transfer = State.Outgoing[settle.TransferId];
        if (transfer.Status != OutgoingTransferStatus.Pending)
        {
            return transfer.ToOutcome(settle.TransferId); // settled meanwhile; nothing to write
        }

        // No limit here: the hold already reserved the hours, and once the recipient has them they are owed.
        var book = Book(hoursLimit: null);
        var pending = book.FindPending(settle.TransferId) ?? throw new InvalidDataException($"Transfer {settle.TransferId} has no hold on {GrainId}.");
        if (settle.Credited)
        {
            Post(book, pending, transfer, changes);
            CountCompletedTransfer(transfer, changes);
            transfer.Status = OutgoingTransferStatus.Completed;
            transfer.Balances = Balances();
        }
        else
        {
            var release = new Move(LedgerKind.Hours, pending.DebitAccount, pending.CreditAccount, pending.Amount, transfer.Code, transfer.ToVolunteerId,
                Memo: transfer.Memo, Kind: TransferKind.VoidPending, PendingId: pending.Id);
            LedgerFailures.Require(changes.Apply(book, release), release);
            transfer.Status = OutgoingTransferStatus.Refused;
            transfer.RefusalCode = settle.RefusalCode;
            transfer.RefusalFacts = refusal?.Facts.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal) ?? [];
        }

        transfer.EndedAt = changes.Now;
        if (!State.Outgoing.Values.Any(t => t.Status == OutgoingTransferStatus.Pending))
        {
            ClearReminder(TransfersReminder);
        }

        return transfer.ToOutcome(settle.TransferId);
    }

    private static void Post(Book book, PendingTransfer pending, OutgoingTransfer transfer, Changes changes)
    {
        var post = new Move(LedgerKind.Hours, pending.DebitAccount, pending.CreditAccount, pending.Amount, transfer.Code, transfer.ToVolunteerId,
            Memo: transfer.Memo, Kind: TransferKind.PostPending, PendingId: pending.Id);
        if (changes.Apply(book, post) is TransferResult.PendingExpired)
        {
            // The recipient has the hours, so the payer must give them: release the lapsed hold and post the same
            // amount at once (the hold kept it reserved until now, so this stays within the limit).
            var release = post with { Kind = TransferKind.VoidPending };
            LedgerFailures.Require(changes.Apply(book, release), release);
            post = post with { Kind = TransferKind.Posted, PendingId = null };
            LedgerFailures.Require(changes.Apply(book, post), post);
        }
    }

    private static Result<TransferReceipt> Outcome(TransferOutcome outcome)
    {
        if (outcome.Receipt is { } receipt)
        {
            return receipt;
        }

        var reason = ErrorReasons.All.FirstOrDefault(r => r.Code == outcome.RefusalCode) ?? ErrorReasons.RecipientNotFound;
        return Failure.Of(reason, outcome.RefusalFacts.Select(f => (f.Key, (object?)f.Value)).ToArray());
    }

    private Failure? Validate(TransferHours command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!Identifiers.IsValidId(command.ToVolunteerId))
        {
            return Failure.Of(ErrorReasons.InvalidToVolunteerId, ("value", command.ToVolunteerId));
        }

        if (string.Equals(command.ToVolunteerId, VolunteerId, StringComparison.Ordinal))
        {
            return Failure.Of(ErrorReasons.TransferToSelf, ("volunteer_id", VolunteerId));
        }

        if (command.Minutes <= 0)
        {
            return Failure.Of(ErrorReasons.MinutesNotPositive, ("minutes", command.Minutes));
        }

        if (command.Minutes > Amounts.MaxTransferAmount)
        {
            return Failure.Of(ErrorReasons.AmountTooLarge, ("field", "minutes"), ("max", Amounts.MaxTransferAmount), ("value", command.Minutes));
        }

        if (!TransferCodes.Contains(command.Code))
        {
            return Failure.Of(ErrorReasons.InvalidTransferCode, ("allowed", "TRANSFER_CODE_GIFT or TRANSFER_CODE_EXCHANGE"), ("value", command.Code));
        }

        return Identifiers.IsValidMemo(command.Memo) ? null : Failure.Of(ErrorReasons.InvalidMemo, ("max", Identifiers.MaxMemoLength));
    }

    /// <summary>What step (1) stores as the answer to the caller's request id: which transfer it started.</summary>
    private sealed record TransferStarted(string TransferId);

    /// <summary>Step (3)'s command: its fingerprint makes a second, different settlement of one transfer impossible.</summary>
    private sealed record SettleTransfer(string TransferId, bool Credited, string RefusalCode);

    /// <summary>How a transfer ended: its receipt, or the recipient's refusal (a catalog code and its facts).</summary>
    internal sealed record TransferOutcome(TransferReceipt? Receipt, string RefusalCode, Dictionary<string, string> RefusalFacts);
}
