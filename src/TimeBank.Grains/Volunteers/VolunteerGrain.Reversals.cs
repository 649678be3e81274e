using TimeBank.Contracts.V1;
using TimeBank.Grains.Internal;
using TimeBank.Ledger;
using TimeBank.Runtime;
using TimeBank.Storage;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Volunteers;

/// <summary>
/// Reversals: a mistake is corrected by a compensating transfer that names the one it undoes, never by
/// editing a row, and each transfer is reversed at most once. A deposit's row is reversed here in one write
/// (within this volunteer's limit). A transfer this volunteer paid is reversed as a saga this grain drives,
/// the mirror of the transfer: (1) record the reversal as pending, with a reminder; (2) the recipient gives
/// the minutes back toward transit, within its own limit (refused: the reversal is refused, nothing moved);
/// (3) credit them here from transit. The recipient never calls back, so no call cycle can form.
/// </summary>
public sealed partial class VolunteerGrain
{
    private const string ReversalsReminder = "reversals";

    public async Task<Result<ReversalReceipt>> ReverseTransferAsync(ReverseTransfer command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!Identifiers.IsValidMemo(command.Memo))
        {
            return Failure.Of(ErrorReasons.InvalidMemo, ("max", Identifiers.MaxMemoLength));
        }

        if (ParseTransferId(command.TransferId) is not { } parsed)
        {
            return Failure.Of(ErrorReasons.InvalidTransferId, ("value", command.TransferId));
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.VolunteerNotFound, ("volunteer_id", VolunteerId));
        }

        if (!parsed.Mine || parsed.Sequence > State.JournalSequence)
        {
            return Failure.Of(ErrorReasons.TransferNotFound, ("transfer_id", command.TransferId));
        }

        var rules = await RulesAsync();
        if (!rules.Succeeded)
        {
            return rules.Failure;
        }

        var rows = await ReadJournalAsync(parsed.Sequence - 1, 1);
        if (rows is not [{ } row] || row.Sequence != parsed.Sequence)
        {
            throw new InvalidDataException($"The journal of {GrainId} has no row {parsed.Sequence} below its head {State.JournalSequence}.");
        }

        // A transfer this volunteer paid: from state while it is kept there, else from its stored outcome.
        var paid = State.Outgoing.GetValueOrDefault(command.TransferId) is { } outgoing
            ? outgoing.ToOutcome(command.TransferId).Receipt
            : row.Kind == (int)TransferKind.Pending && row.Code is (int)TransferCode.Gift or (int)TransferCode.Exchange
                ? (await FindAnswerAsync<TransferOutcome>(SystemCallers.Transfers, $"{command.TransferId}/settle"))?.Receipt
                : null;

        var started = await MutateAsync(command.Request, command.Request.CallerKeyId, lookUpFirst: true, command, Result<ReversalReceipt> (c, changes) =>
        {
            if (State.Reversals.GetValueOrDefault(c.TransferId) is { Status: not OutgoingTransferStatus.Refused } earlier)
            {
                return earlier.Status == OutgoingTransferStatus.Completed
                    ? Failure.Of(ErrorReasons.TransferAlreadyReversed, ("transfer_id", c.TransferId), ("reversal_id", earlier.ReversalId))
                    : Failure.Of(ErrorReasons.TransferInProgress, ("transfer_id", c.TransferId));
            }

            var record = new ReversalRecord
            {
                RequestId = c.Request.RequestId, CallerKeyId = c.Request.CallerKeyId, ActorKeyId = changes.ActorKeyId, Memo = c.Memo,
                Ledger = (LedgerKind)row.Ledger, Amount = row.Amount, StartedAt = changes.Now,
                Attempt = (State.Reversals.GetValueOrDefault(c.TransferId)?.Attempt ?? 0) + 1, // after a refusal, a new try with keys of its own
            };
            if (IsOwnDeposit(row))
            {
                // Back from this volunteer's account to the community's issuing account, within the limit.
                var book = Book(rules.Value);
                var back = new Move(record.Ledger, row.CreditAccount, row.DebitAccount, row.Amount, TransferCode.Reversal, c.TransferId, row.Category, c.Memo);
                record.ReversalId = changes.NextTransferId;
                if (changes.Apply(book, back, rules.Value.Version) is not TransferResult.Ok and var refused)
                {
                    return LedgerFailures.Of(refused, book, back);
                }

                record.Status = OutgoingTransferStatus.Completed;
                record.Balances = Balances();
            }
            else if (paid is not null)
            {
                record.FromVolunteerId = paid.ToVolunteerId;
                record.Amount = paid.Minutes;
                SetReminder(ReversalsReminder, changes.Now + TransferRetryInterval, TransferRetryInterval);
                changes.StateWasChanged();
            }
            else
            {
                return Failure.Of(ErrorReasons.TransferNotReversible, ("transfer_id", c.TransferId), ("why", WhyNotReversible(row)));
            }

            State.Reversals[c.TransferId] = record;
            return Receipt(c.TransferId, record);
        });
        if (!started.Succeeded || started.Value.ReversalId.Length > 0)
        {
            return started; // refused, a deposit's reversal (complete), or a replay of a completed one
        }

        if (StateDiscarded || !State.Reversals.ContainsKey(command.TransferId))
        {
            Discard();
            return Failure.Of(ErrorReasons.TransferInProgress, ("transfer_id", command.TransferId));
        }

        await options.StepHook("reversal.recorded");
        return await FinishReversalAsync(command.TransferId);
    }

    public async Task<Result<TransferReturned>> ReturnTransferAsync(ReturnTransfer command)
    {
        if (!StateExists)
        {
            // The payer of a transfer exists, so this copy is most likely behind another process's; see RefuseStepAsync.
            return await RefuseStepAsync<ReturnTransfer, TransferReturned>(command.Request, command.ActorKeyId, command, NotRegistered());
        }

        var rules = await RulesAsync();
        if (!rules.Succeeded)
        {
            return rules.Failure;
        }

        return await MutateAsync(command.Request, command.ActorKeyId, lookUpFirst: true, command, Result<TransferReturned> (c, changes) =>
        {
            var back = new Move(LedgerKind.Hours, AccountNames.VolunteerHours(VolunteerId), AccountNames.HoursInTransit, c.Minutes, TransferCode.Reversal,
                c.TransferId, Memo: c.Memo);
            var book = Book(rules.Value);
            if (changes.Apply(book, back, rules.Value.Version) is not TransferResult.Ok and var refused)
            {
                return LedgerFailures.Of(refused, book, back);
            }

            return new TransferReturned(c.TransferId, c.Minutes, Balances());
        });
    }

    /// <summary>Steps (2) and (3) of a paid transfer's reversal, or its outcome if it has ended.</summary>
    private async Task<Result<ReversalReceipt>> FinishReversalAsync(string transferId)
    {
        var record = State.Reversals[transferId];
        if (record.Status != OutgoingTransferStatus.Pending)
        {
            return ReversalOutcome(transferId, record);
        }

        Result<TransferReturned> returned;
        try
        {
            returned = await GrainFactory.GetGrain<IVolunteerGrain>(record.FromVolunteerId).ReturnTransferAsync(new ReturnTransfer(
                new RequestKey(SystemCallers.Reversals, $"{transferId}/return/{record.Attempt}"), record.ActorKeyId, transferId, VolunteerId, record.Amount, record.Memo));
        }
        catch (Exception e) when (SagaSteps.AskAgainLater(e))
        {
            return Failure.Of(ErrorReasons.TransferInProgress, ("transfer_id", transferId));
        }

        await options.StepHook("reversal.returned");
        var settle = new SettleTransfer(transferId, returned.Succeeded, returned.Failure?.Reason.Code ?? "");
        var settled = await MutateAsync(
            new RequestKey(SystemCallers.Reversals, $"{transferId}/settle/{record.Attempt}"), record.ActorKeyId, lookUpFirst: false, settle,
            Result<ReversalSettled> (s, changes) =>
            {
                var current = State.Reversals[s.TransferId];
                if (current.Status != OutgoingTransferStatus.Pending)
                {
                    return new ReversalSettled(s.TransferId, current.Status);
                }

                if (s.Credited)
                {
                    var credit = new Move(LedgerKind.Hours, AccountNames.HoursInTransit, AccountNames.VolunteerHours(VolunteerId), current.Amount,
                        TransferCode.Reversal, s.TransferId, Memo: current.Memo);
                    current.ReversalId = changes.NextTransferId;
                    LedgerFailures.Require(changes.Apply(Book(hoursLimit: null), credit), credit);
                    current.Status = OutgoingTransferStatus.Completed;
                    current.Balances = Balances();
                }
                else
                {
                    current.Status = OutgoingTransferStatus.Refused;
                    current.RefusalCode = s.RefusalCode;
                    current.RefusalFacts = returned.Failure?.Facts.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal) ?? [];
                    changes.StateWasChanged();
                }

                if (!State.Reversals.Values.Any(r => r.Status == OutgoingTransferStatus.Pending))
                {
                    ClearReminder(ReversalsReminder);
                }

                return new ReversalSettled(s.TransferId, current.Status);
            });
        if (!settled.Succeeded)
        {
            return settled.Failure;
        }

        return StateDiscarded ? Failure.Of(ErrorReasons.TransferInProgress, ("transfer_id", transferId)) : ReversalOutcome(transferId, State.Reversals[transferId]);
    }

    private async Task ResumeReversalsAsync()
    {
        foreach (var id in State.Reversals.Where(r => r.Value.Status == OutgoingTransferStatus.Pending).Select(r => r.Key).ToArray())
        {
            if (StateDiscarded)
            {
                return;
            }

            await FinishReversalAsync(id);
        }

        if (!StateDiscarded && !State.Reversals.Values.Any(r => r.Status == OutgoingTransferStatus.Pending))
        {
            ClearReminder(ReversalsReminder);
        }
    }

    private Result<ReversalReceipt> ReversalOutcome(string transferId, ReversalRecord record) => record.Status switch
    {
        OutgoingTransferStatus.Completed => Receipt(transferId, record),
        OutgoingTransferStatus.Refused => Failure.Of(
            ErrorReasons.All.FirstOrDefault(r => r.Code == record.RefusalCode) ?? ErrorReasons.InsufficientHours,
            record.RefusalFacts.Select(f => (f.Key, (object?)f.Value)).ToArray()),
        _ => Failure.Of(ErrorReasons.TransferInProgress, ("transfer_id", transferId)),
    };

    private static ReversalReceipt Receipt(string transferId, ReversalRecord record)
        => new(record.RequestId, transferId, record.ReversalId, record.Ledger, record.Amount, record.StartedAt,
            record.Balances ?? new VolunteerBalances(0, 0, 0, 0));

    /// <summary>A deposit credited to this volunteer: a posted service transfer into one of its accounts.</summary>
    private bool IsOwnDeposit(JournalEntry row)
        => row.Kind == (int)TransferKind.Posted && row.Code == (int)TransferCode.Service
           && (row.CreditAccount == AccountNames.VolunteerHours(VolunteerId) || row.CreditAccount == AccountNames.VolunteerPoints(VolunteerId));

    private static string WhyNotReversible(JournalEntry row) => (TransferKind)row.Kind switch
    {
        TransferKind.Pending when row.Code == (int)TransferCode.Gift || row.Code == (int)TransferCode.Exchange => "the transfer has not completed",
        TransferKind.Pending => "it is a hold; void it instead",
        TransferKind.PostPending or TransferKind.VoidPending => "it ends an earlier transfer; name that one",
        _ when row.Code == (int)TransferCode.Reversal => "it is itself a reversal",
        _ => "only deposits and transfers this volunteer paid are reversed here; a transfer received is reversed by its payer's id",
    };

    private sealed record ReversalSettled(string TransferId, OutgoingTransferStatus Status);
}
