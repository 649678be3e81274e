namespace TimeBank.Ledger;

/// <summary>
/// Replays a journal's transfers, in order, into a book that tracks every account. The conservation checks
/// use it: every balance a grain holds must equal its journal replayed, and per ledger the debits of all
/// accounts equal their credits, posted and pending alike.
/// </summary>
public sealed class JournalReplay
{
    private readonly Book _book = Book.TrackingEverything();

    public IEnumerable<KeyValuePair<string, TrackedAccount>> Accounts => _book.Accounts;

    /// <summary>Applies one transfer as of its own time; a journal the rules would have refused is corrupt.</summary>
    public void Apply(Transfer transfer)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        var result = _book.Apply(transfer, transfer.Timestamp);
        if (result != TransferResult.Ok)
        {
            throw new InvalidDataException($"Transfer '{transfer.Id}' does not replay: {result}.");
        }
    }

    public AccountBalance BalanceOf(string account) => _book.BalanceOf(account);

    public long CreditBalanceOf(string account) => _book.BalanceOf(account).CreditBalance;

    /// <summary>
    /// Per ledger, the sums over all accounts of posted debits, posted credits, pending debits and pending
    /// credits; 128-bit, so no sum of 64-bit totals can overflow.
    /// </summary>
    public (Int128 DebitsPosted, Int128 CreditsPosted, Int128 DebitsPending, Int128 CreditsPending) Totals(LedgerKind ledger)
    {
        Int128 debitsPosted = 0, creditsPosted = 0, debitsPending = 0, creditsPending = 0;
        foreach (var (_, account) in _book.Accounts)
        {
            if (account.Ledger != ledger)
            {
                continue;
            }

            debitsPosted += account.Balance.DebitsPosted;
            creditsPosted += account.Balance.CreditsPosted;
            debitsPending += account.Balance.DebitsPending;
            creditsPending += account.Balance.CreditsPending;
        }

        return (debitsPosted, creditsPosted, debitsPending, creditsPending);
    }
}
