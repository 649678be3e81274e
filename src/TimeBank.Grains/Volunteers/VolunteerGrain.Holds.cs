using TimeBank.Contracts.V1;
using TimeBank.Grains.Internal;
using TimeBank.Ledger;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Volunteers;

/// <summary>
/// Holds on points (what a store's redemption will use): a pending transfer from the volunteer's points that
/// is posted (all or part), voided, or lapses at the community's hold expiry. A reminder due at the earliest
/// expiry voids lapsed holds even when nobody calls, also after a restart; until it has, the ledger itself
/// refuses to post a hold past its timeout.
/// </summary>
public sealed partial class VolunteerGrain
{
    private const string HoldsReminder = "holds";

    public async Task<Result<HoldReceipt>> HoldPointsAsync(HoldPoints command)
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

        return await MutateAsync(command.Request, command, Result<HoldReceipt> (c, changes) =>
        {
            var id = changes.NextTransferId;
            var expiresAt = changes.Now + rules.Value.Settings.HoldExpiry;
            var hold = new Move(LedgerKind.Points, AccountNames.VolunteerPoints(VolunteerId), AccountNames.CommunityPointsRedeemed(State.CommunityId),
                c.Points, TransferCode.Redemption, c.Reference, Memo: c.Memo, Kind: TransferKind.Pending, Timeout: expiresAt);
            var book = Book(rules.Value);
            if (changes.Apply(book, hold, rules.Value.Version) is not TransferResult.Ok and var refused)
            {
                return LedgerFailures.Of(refused, book, hold);
            }

            ScheduleHoldExpiry();
            return new HoldReceipt(c.Request.RequestId, id, c.Points, expiresAt, Balances());
        });
    }

    public Task<Result<HoldSettled>> PostHoldAsync(PostHold command)
    {
        if (ValidateHold(command.Request, command.HoldId) is { } invalid)
        {
            return Task.FromResult<Result<HoldSettled>>(invalid);
        }

        if (command.Points < 0)
        {
            return Task.FromResult<Result<HoldSettled>>(Failure.Of(ErrorReasons.PointsNotPositive, ("points", command.Points)));
        }

        return SettleHoldAsync(command.Request, command, command.HoldId, post: true, command.Points);
    }

    public Task<Result<HoldSettled>> VoidHoldAsync(VoidHold command)
        => ValidateHold(command.Request, command.HoldId) is { } invalid
            ? Task.FromResult<Result<HoldSettled>>(invalid)
            : SettleHoldAsync(command.Request, command, command.HoldId, post: false, 0);

    private async Task<Result<HoldSettled>> SettleHoldAsync<TCommand>(RequestKey request, TCommand command, string holdId, bool post, long points, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.VolunteerNotFound, ("volunteer_id", VolunteerId));
        }

        return await MutateAsync(request, request.CallerKeyId, lookUpFirst: false, command, Result<HoldSettled> (_, changes) =>
        {
            // Only this volunteer's holds on points; a transfer's pending hours are the transfer's to end.
            if (State.Pending.GetValueOrDefault(holdId) is not { Ledger: LedgerKind.Points } pending)
            {
                return Failure.Of(ErrorReasons.HoldNotFound, ("hold_id", holdId));
            }

            if (post && pending.State == PendingState.Voided && changes.Now >= pending.Timeout)
            {
                return Failure.Of(ErrorReasons.HoldExpired, ("hold_id", holdId), ("timeout", pending.Timeout.ToString("O")));
            }

            var amount = post ? (points == 0 ? pending.Amount : points) : pending.Amount;
            var move = new Move(LedgerKind.Points, pending.DebitAccount, pending.CreditAccount, amount, TransferCode.Redemption, holdId,
                Kind: post ? TransferKind.PostPending : TransferKind.VoidPending, PendingId: holdId);
            var book = Book(hoursLimit: null);
            if (changes.Apply(book, move) is not TransferResult.Ok and var refused)
            {
                return LedgerFailures.Of(refused, book, move);
            }

            ScheduleHoldExpiry();
            var posted = post ? amount : 0;
            return new HoldSettled(request.RequestId, holdId, posted, pending.Amount - posted, Balances());
        }, operation);
    }

    /// <summary>Voids every hold past its timeout, one write each, then sets the reminder for the next.</summary>
    private async Task ExpireHoldsAsync()
    {
        var now = Clock.GetUtcNow();
        foreach (var lapsed in State.Pending.Values.Where(p => p.Ledger == LedgerKind.Points && p.State == PendingState.Pending && p.Timeout <= now).ToArray())
        {
            if (StateDiscarded)
            {
                return;
            }

            await MutateAsync(new RequestKey(SystemCallers.Holds, $"{lapsed.Id}/expire"), SystemCallers.Holds, lookUpFirst: false, lapsed.Id,
                Result<HoldSettled> (id, changes) =>
                {
                    var release = new Move(LedgerKind.Points, lapsed.DebitAccount, lapsed.CreditAccount, lapsed.Amount, TransferCode.Expiry, id,
                        Kind: TransferKind.VoidPending, PendingId: id);
                    var book = Book(hoursLimit: null);
                    if (changes.Apply(book, release) is not TransferResult.Ok and var refused)
                    {
                        return LedgerFailures.Of(refused, book, release); // posted or voided meanwhile: nothing to expire
                    }

                    ScheduleHoldExpiry();
                    return new HoldSettled($"{id}/expire", id, 0, lapsed.Amount, Balances());
                });
        }

        if (!StateDiscarded)
        {
            ScheduleHoldExpiry(); // stored by the host after this call when nothing above wrote
        }
    }

    /// <summary>The holds reminder, due at the earliest open hold's timeout; none when no hold is open.</summary>
    private void ScheduleHoldExpiry()
    {
        var next = State.Pending.Values.Where(p => p.Ledger == LedgerKind.Points && p.State == PendingState.Pending).Select(p => (DateTimeOffset?)p.Timeout).Min();
        if (next is { } due)
        {
            SetReminder(HoldsReminder, due);
        }
        else
        {
            ClearReminder(HoldsReminder);
        }
    }

    private static Failure? Validate(HoldPoints command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (command.Points <= 0)
        {
            return Failure.Of(ErrorReasons.PointsNotPositive, ("points", command.Points));
        }

        if (command.Points > Amounts.MaxTransferAmount)
        {
            return Failure.Of(ErrorReasons.AmountTooLarge, ("field", "points"), ("max", Amounts.MaxTransferAmount), ("value", command.Points));
        }

        if (command.Reference.Length > 0 && !Identifiers.IsValidId(command.Reference))
        {
            return Failure.Of(ErrorReasons.InvalidReference, ("value", command.Reference));
        }

        return Identifiers.IsValidMemo(command.Memo) ? null : Failure.Of(ErrorReasons.InvalidMemo, ("max", Identifiers.MaxMemoLength));
    }

    private Failure? ValidateHold(RequestKey request, string holdId)
    {
        if (!Identifiers.IsValidRequestId(request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", request.RequestId));
        }

        // A hold id is a transfer id. Another volunteer's is well formed but not here.
        return ParseTransferId(holdId) switch
        {
            null => Failure.Of(ErrorReasons.InvalidHoldId, ("value", holdId)),
            { Mine: false } => Failure.Of(ErrorReasons.HoldNotFound, ("hold_id", holdId)),
            _ => null,
        };
    }
}
