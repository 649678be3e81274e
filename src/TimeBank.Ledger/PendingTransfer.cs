namespace TimeBank.Ledger;

/// <summary>A pending transfer as a book remembers it: what it reserved, until when, and how it ended.</summary>
public sealed record PendingTransfer(
    string Id,
    LedgerKind Ledger,
    string DebitAccount,
    string CreditAccount,
    long Amount,
    DateTimeOffset Timeout,
    PendingState State = PendingState.Pending,
    long PostedAmount = 0);

public enum PendingState
{
    Pending = 0,
    Posted = 1,
    Voided = 2,
}
