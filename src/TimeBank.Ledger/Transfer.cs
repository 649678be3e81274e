namespace TimeBank.Ledger;

/// <summary>
/// One double-entry movement of an amount on one ledger, from the debit account to the credit account.
/// A client request may produce several transfers (legs): a service deposit credits hours and points.
/// </summary>
public sealed record Transfer(
    string RequestId,
    int Leg,
    LedgerKind Ledger,
    string DebitAccount,
    string CreditAccount,
    long Amount,
    TransferCode Code,
    string Reference,
    DateTimeOffset Timestamp)
{
    /// <summary>Checks the transfer's own shape; the ledger rules (balances, limits) are the grain's.</summary>
    public static Transfer Create(
        string requestId, int leg, LedgerKind ledger, string debitAccount, string creditAccount,
        long amount, TransferCode code, string reference, DateTimeOffset timestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        ArgumentException.ThrowIfNullOrEmpty(debitAccount);
        ArgumentException.ThrowIfNullOrEmpty(creditAccount);
        if (string.Equals(debitAccount, creditAccount, StringComparison.Ordinal))
        {
            throw new ArgumentException("A transfer moves between two different accounts.", nameof(creditAccount));
        }

        Amounts.EnsurePositive(amount);
        return new Transfer(requestId, leg, ledger, debitAccount, creditAccount, amount, code, reference, timestamp);
    }
}
