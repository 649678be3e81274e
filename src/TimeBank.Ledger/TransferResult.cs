namespace TimeBank.Ledger;

/// <summary>
/// The outcome of applying one transfer: <see cref="Ok"/>, or the one named reason it was refused. A
/// refused transfer changes nothing.
/// </summary>
public enum TransferResult
{
    Ok = 0,
    AmountMustBePositive,

    /// <summary>More than <see cref="Amounts.MaxTransferAmount"/>.</summary>
    AmountTooLarge,
    AccountsMustDiffer,

    /// <summary>An account belongs to another ledger than the transfer's.</summary>
    LedgerMismatch,

    /// <summary>The debit would take the account below its limit (posted credits less debits and holds).</summary>
    ExceedsLimit,

    /// <summary>A total would leave the range of a 64-bit integer.</summary>
    Overflow,

    PendingIdMissing,
    PendingIdAlreadyExists,
    TimeoutMustBeInTheFuture,
    PendingNotFound,
    PendingAlreadyPosted,
    PendingAlreadyVoided,

    /// <summary>A pending transfer whose timeout has passed can no longer be posted (only voided).</summary>
    PendingExpired,

    /// <summary>A post of more than was reserved.</summary>
    ExceedsPendingAmount,

    /// <summary>A post or void that names other accounts, another ledger or (for a void) another amount than the pending transfer.</summary>
    PendingMismatch,
}
