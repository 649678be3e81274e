using TimeBank.Contracts.V1;
using TimeBank.Grains.Internal;
using TimeBank.Ledger;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Volunteers;

/// <summary>
/// A store's steps on the volunteer's points, each sent by the store's grain under the system's request key
/// for its receipt or refund, so a resumed sale never takes (or gives back) twice. The points move between
/// the volunteer and <see cref="AccountNames.StoreRedeemed"/>; every row names the terminal's key.
/// </summary>
public sealed partial class VolunteerGrain
{
    /// <summary>A store's hold is ended by the store's sale, never by time; its timeout only has to lie beyond any outage.</summary>
    private static readonly TimeSpan StoreHoldLifetime = TimeSpan.FromDays(3650);

    public async Task<Result<StorePointsMoved>> HoldForStoreAsync(StoreHold command)
    {
        if (!StateExists)
        {
            return await RefuseStepAsync<StoreHold, StorePointsMoved>(command.Request, command.ActorKeyId, command, NotRegistered());
        }

        if (ServedBy(command.StoreId, command.ServedCommunityIds) is { } refused)
        {
            return refused;
        }

        // Looked up first: a resumed sale asks again, and must find its hold rather than be refused for want of the points it holds.
        return await MutateAsync(command.Request, command.ActorKeyId, lookUpFirst: true, command, Result<StorePointsMoved> (c, changes) =>
        {
            var id = changes.NextTransferId;
            var hold = new Move(LedgerKind.Points, AccountNames.VolunteerPoints(VolunteerId), AccountNames.StoreRedeemed(c.StoreId), c.Points,
                TransferCode.Redemption, c.ReceiptId, Kind: TransferKind.Pending, Timeout: changes.Now + StoreHoldLifetime);
            var book = Book(hoursLimit: null);
            if (changes.Apply(book, hold) is not TransferResult.Ok and var result)
            {
                return LedgerFailures.Of(result, book, hold);
            }

            return new StorePointsMoved(id, c.Points, Balances());
        });
    }

    public async Task<Result<StorePointsMoved>> PostStoreHoldAsync(StoreHoldPost command)
    {
        if (!StateExists)
        {
            return await RefuseStepAsync<StoreHoldPost, StorePointsMoved>(command.Request, command.ActorKeyId, command, NotRegistered());
        }

        return await MutateAsync(command.Request, command.ActorKeyId, lookUpFirst: false, command, Result<StorePointsMoved> (c, changes) =>
        {
            if (State.Pending.GetValueOrDefault(c.HoldId) is not { Ledger: LedgerKind.Points } pending)
            {
                // The store posts only the hold its sale was answered with, and only its own post ends that hold
                // (a retry of the post finds its recorded answer). A hold this activation does not know was made
                // through another process's activation: this refusal, written against this copy's version, fails
                // as stale, the copy reloads, and the store asks again.
                return Failure.Of(ErrorReasons.HoldNotFound, ("hold_id", c.HoldId));
            }

            var post = new Move(LedgerKind.Points, pending.DebitAccount, pending.CreditAccount, pending.Amount, TransferCode.Redemption, pending.Id,
                Kind: TransferKind.PostPending, PendingId: pending.Id);
            var book = Book(hoursLimit: null);
            return changes.Apply(book, post) is not TransferResult.Ok and var result
                ? LedgerFailures.Of(result, book, post) // posted before (a retry finds its answer) or never held here
                : new StorePointsMoved(c.HoldId, pending.Amount, Balances());
        });
    }

    public async Task<Result<StorePointsMoved>> DebitOfflineSaleAsync(OfflineDebit command)
    {
        if (!StateExists)
        {
            return await RefuseStepAsync<OfflineDebit, StorePointsMoved>(command.Request, command.ActorKeyId, command, NotRegistered());
        }

        if (ServedBy(command.StoreId, command.ServedCommunityIds) is { } refused)
        {
            return refused;
        }

        return await MutateAsync(command.Request, command.ActorKeyId, lookUpFirst: true, command, Result<StorePointsMoved> (c, changes) =>
        {
            var id = changes.NextTransferId;
            var debit = new Move(LedgerKind.Points, AccountNames.VolunteerPoints(VolunteerId), AccountNames.StoreRedeemed(c.StoreId), c.Points,
                TransferCode.Redemption, c.ReceiptId, Memo: "offline sale", OccurredAt: c.SoldAt);
            var book = Book(hoursLimit: null);
            return changes.Apply(book, debit) is not TransferResult.Ok and var result
                ? LedgerFailures.Of(result, book, debit)
                : new StorePointsMoved(id, c.Points, Balances());
        });
    }

    public async Task<Result<StorePointsMoved>> CreditStoreRefundAsync(StoreRefundCredit command)
    {
        if (!StateExists)
        {
            return await RefuseStepAsync<StoreRefundCredit, StorePointsMoved>(command.Request, command.ActorKeyId, command, NotRegistered());
        }

        return await MutateAsync(command.Request, command.ActorKeyId, lookUpFirst: true, command, Result<StorePointsMoved> (c, changes) =>
        {
            var id = changes.NextTransferId;
            var credit = new Move(LedgerKind.Points, AccountNames.StoreRedeemed(c.StoreId), AccountNames.VolunteerPoints(VolunteerId), c.Points,
                TransferCode.Refund, c.RefundId);
            var book = Book(hoursLimit: null);
            return changes.Apply(book, credit) is not TransferResult.Ok and var result
                ? LedgerFailures.Of(result, book, credit)
                : new StorePointsMoved(id, c.Points, Balances());
        });
    }

    /// <summary>Whether a store serving these communities may sell to this volunteer (registered: a volunteer's community never changes).</summary>
    private Failure? ServedBy(string storeId, IReadOnlyList<string> servedCommunityIds)
    {
        return servedCommunityIds.Contains(State.CommunityId, StringComparer.Ordinal)
            ? null
            : Failure.Of(ErrorReasons.VolunteerNotServed, ("volunteer_id", VolunteerId), ("community_id", State.CommunityId), ("store_id", storeId));
    }
}
