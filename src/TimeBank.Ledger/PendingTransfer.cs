namespace TimeBank.Ledger;

/// <summary>A pending transfer as a book remembers it: what it reserved, until when, and how and when it ended.</summary>
/// <param name="EndedAt">When it was posted or voided; null while pending (and for those ended before this was kept).</param>
public sealed record PendingTransfer(
    string Id,
    LedgerKind Ledger,
    string DebitAccount,
    string CreditAccount,
    long Amount,
    DateTimeOffset Timeout,
    PendingState State = PendingState.Pending,
    long PostedAmount = 0,
    DateTimeOffset? EndedAt = null);

public enum PendingState
{
    Pending = 0,
    Posted = 1,
    Voided = 2,
}
