namespace TimeBank.Ledger;

/// <summary>
/// Replays transfers into per-account balances. The conservation checks use it: every balance a grain
/// holds must equal its journal replayed, and per ledger the net of all accounts is zero.
/// </summary>
public sealed class JournalReplay
{
    private readonly Dictionary<string, AccountBalance> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<LedgerKind, (long Debits, long Credits)> _ledgers = [];

    public IReadOnlyDictionary<string, AccountBalance> Accounts => _accounts;

    public void Apply(Transfer transfer)
    {
        Account(transfer.DebitAccount).PostDebit(transfer.Amount);
        Account(transfer.CreditAccount).PostCredit(transfer.Amount);
        _ledgers.TryGetValue(transfer.Ledger, out var totals);
        _ledgers[transfer.Ledger] = (checked(totals.Debits + transfer.Amount), checked(totals.Credits + transfer.Amount));
    }

    public long CreditBalanceOf(string account) => _accounts.TryGetValue(account, out var balance) ? balance.CreditBalance : 0;

    /// <summary>Total debits and credits on one ledger; they are equal by construction of <see cref="Apply"/>.</summary>
    public (long Debits, long Credits) Totals(LedgerKind ledger) => _ledgers.TryGetValue(ledger, out var t) ? t : (0, 0);

    /// <summary>Sum over all accounts on a ledger of credits less debits: zero when the journal balances.</summary>
    public long NetOf(LedgerKind ledger, Func<string, LedgerKind> ledgerOfAccount)
    {
        long net = 0;
        foreach (var (name, balance) in _accounts)
        {
            if (ledgerOfAccount(name) == ledger)
            {
                net = checked(net + balance.CreditBalance);
            }
        }

        return net;
    }

    private AccountBalance Account(string name)
    {
        if (!_accounts.TryGetValue(name, out var balance))
        {
            balance = new AccountBalance();
            _accounts.Add(name, balance);
        }

        return balance;
    }
}
