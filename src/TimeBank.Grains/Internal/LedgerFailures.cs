using TimeBank.Contracts.V1;
using TimeBank.Ledger;

namespace TimeBank.Grains.Internal;

/// <summary>
/// Turns the ledger's refusal of a transfer into the reason a caller reads. Refusals a grain's own checks
/// rule out (the same account on both sides, a pending id used twice) are bugs, thrown as such.
/// </summary>
internal static class LedgerFailures
{
    public static Failure Of(TransferResult result, Book book, Move move)
    {
        var debit = book.BalanceOf(move.DebitAccount);
        var limit = book.LimitOf(move.DebitAccount) ?? 0;
        var hold = move.PendingId ?? "";
        var pending = move.PendingId is null ? null : book.FindPending(move.PendingId);
        return result switch
        {
            TransferResult.ExceedsLimit => Failure.Of(
                move.Ledger switch
                {
                    LedgerKind.Hours => ErrorReasons.InsufficientHours,
                    LedgerKind.Points => ErrorReasons.InsufficientPoints,
                    _ => ErrorReasons.InsufficientFunds,
                },
                ("account", move.DebitAccount), ("available", debit.AvailableCredit + limit), ("limit", limit), ("amount", move.Amount)),
            TransferResult.Overflow => Failure.Of(ErrorReasons.AmountOverflow, ("account", move.CreditAccount), ("amount", move.Amount)),
            TransferResult.PendingNotFound or TransferResult.PendingMismatch => Failure.Of(ErrorReasons.HoldNotFound, ("hold_id", hold)),
            TransferResult.PendingAlreadyPosted => Failure.Of(ErrorReasons.HoldAlreadyPosted, ("hold_id", hold)),
            TransferResult.PendingAlreadyVoided => Failure.Of(ErrorReasons.HoldAlreadyVoided, ("hold_id", hold)),
            TransferResult.PendingExpired => Failure.Of(ErrorReasons.HoldExpired, ("hold_id", hold), ("timeout", pending?.Timeout.ToString("O") ?? "")),
            TransferResult.ExceedsPendingAmount => Failure.Of(ErrorReasons.AmountExceedsHold, ("hold_id", hold), ("held", pending?.Amount ?? 0), ("amount", move.Amount)),
            _ => throw new InvalidOperationException($"The ledger refused {move.Code} of {move.Amount} from {move.DebitAccount} to {move.CreditAccount}: {result}; the grain should have ruled this out."),
        };
    }

    /// <summary>
    /// For a transfer the grain's own state has already made certain (posting or voiding its own hold, a
    /// reservation checked just before): a refusal there is a bug, thrown as one.
    /// </summary>
    public static void Require(TransferResult result, Move move)
    {
        if (result != TransferResult.Ok)
        {
            throw new InvalidOperationException($"The ledger refused {move.Kind} of {move.Amount} from {move.DebitAccount} to {move.CreditAccount} ({move.PendingId}): {result}; the grain's own state should have ruled this out.");
        }
    }
}
