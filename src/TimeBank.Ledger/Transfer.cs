namespace TimeBank.Ledger;

/// <summary>
/// One double-entry movement on one ledger, from the debit account to the credit account.
/// </summary>
/// <param name="Id">Unique within the book that applies it; a pending transfer is posted or voided by it.</param>
/// <param name="Category">The service category it counts under (elder care, culture, …), or empty.</param>
/// <param name="Reference">What it is about: an activity, a receipt, an earlier transfer.</param>
/// <param name="ActorKeyId">The key whose call caused it; the system's own work names the system.</param>
/// <param name="PendingId">For <see cref="TransferKind.PostPending"/> and <see cref="TransferKind.VoidPending"/>: the pending transfer.</param>
/// <param name="Timeout">For <see cref="TransferKind.Pending"/>: when the hold lapses unless posted.</param>
public sealed record Transfer(
    string Id,
    LedgerKind Ledger,
    string DebitAccount,
    string CreditAccount,
    long Amount,
    TransferCode Code,
    string Category,
    string Reference,
    string ActorKeyId,
    DateTimeOffset Timestamp,
    TransferKind Kind = TransferKind.Posted,
    string? PendingId = null,
    DateTimeOffset? Timeout = null);
