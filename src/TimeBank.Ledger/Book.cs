namespace TimeBank.Ledger;

/// <summary>
/// Applies transfers to accounts under TigerBeetle's rules, with no I/O: posted transfers move an amount;
/// a pending transfer reserves it until it is posted (its amount or less, before its timeout) or voided,
/// once. Each transfer is checked whole before anything changes: a refused transfer changes nothing, and
/// every total is checked arithmetic.
/// </summary>
/// <remarks>
/// A grain's book tracks its own accounts only; the other side of a transfer (a community's issuing
/// account, another volunteer) is external to it and is checked by its own owner. A replay of the whole
/// journal tracks every account (<see cref="TrackingEverything"/>).
/// </remarks>
public sealed class Book
{
    private readonly IDictionary<string, TrackedAccount> _accounts;
    private readonly IDictionary<string, PendingTransfer> _pending;
    private readonly bool _openOnFirstUse;

    /// <param name="accounts">The tracked accounts, changed in place.</param>
    /// <param name="pending">The pending transfers of these accounts, by id, changed in place.</param>
    public Book(IDictionary<string, TrackedAccount> accounts, IDictionary<string, PendingTransfer> pending)
        : this(accounts, pending, openOnFirstUse: false)
    {
    }

    private Book(IDictionary<string, TrackedAccount> accounts, IDictionary<string, PendingTransfer> pending, bool openOnFirstUse)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(pending);
        _accounts = accounts;
        _pending = pending;
        _openOnFirstUse = openOnFirstUse;
    }

    /// <summary>A book that opens every account it meets, without a limit: for replaying a journal.</summary>
    public static Book TrackingEverything() => new(new Dictionary<string, TrackedAccount>(StringComparer.Ordinal), new Dictionary<string, PendingTransfer>(StringComparer.Ordinal), openOnFirstUse: true);

    public IEnumerable<KeyValuePair<string, TrackedAccount>> Accounts => _accounts;

    public IEnumerable<PendingTransfer> Pending => _pending.Values;

    /// <summary>The account's totals; an account never used has none.</summary>
    public AccountBalance BalanceOf(string account) => _accounts.TryGetValue(account, out var tracked) ? tracked.Balance : new AccountBalance();

    /// <summary>How far below zero the account may go; null when unlimited or not tracked.</summary>
    public long? LimitOf(string account) => _accounts.TryGetValue(account, out var tracked) ? tracked.Limit : null;

    /// <summary>True when this book keeps the account's totals (and enforces its limit).</summary>
    public bool Tracks(string account) => _accounts.ContainsKey(account);

    public PendingTransfer? FindPending(string id) => _pending.TryGetValue(id, out var pending) ? pending : null;

    public TransferResult Apply(Transfer transfer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        if (string.Equals(transfer.DebitAccount, transfer.CreditAccount, StringComparison.Ordinal))
        {
            return TransferResult.AccountsMustDiffer;
        }

        if (transfer.Amount > Amounts.MaxTransferAmount)
        {
            return TransferResult.AmountTooLarge;
        }

        var debit = Resolve(transfer.DebitAccount, transfer.Ledger);
        var credit = Resolve(transfer.CreditAccount, transfer.Ledger);
        if ((debit is not null && debit.Ledger != transfer.Ledger) || (credit is not null && credit.Ledger != transfer.Ledger))
        {
            return TransferResult.LedgerMismatch;
        }

        try
        {
            return transfer.Kind switch
            {
                TransferKind.Posted => Post(transfer, debit, credit),
                TransferKind.Pending => Reserve(transfer, debit, credit, now),
                TransferKind.PostPending => PostPending(transfer, debit, credit, now),
                TransferKind.VoidPending => VoidPending(transfer, debit, credit, now),
                _ => throw new ArgumentOutOfRangeException(nameof(transfer), transfer.Kind, "Unknown transfer kind."),
            };
        }
        catch (OverflowException)
        {
            return TransferResult.Overflow;
        }
    }

    private TrackedAccount? Resolve(string name, LedgerKind ledger)
    {
        if (_accounts.TryGetValue(name, out var tracked))
        {
            return tracked;
        }

        if (!_openOnFirstUse)
        {
            return null;
        }

        tracked = new TrackedAccount(ledger, new AccountBalance(), Limit: null);
        _accounts.Add(name, tracked);
        return tracked;
    }

    private static TransferResult Post(Transfer transfer, TrackedAccount? debit, TrackedAccount? credit)
    {
        if (transfer.Amount <= 0)
        {
            return TransferResult.AmountMustBePositive;
        }

        var debitsPosted = debit is null ? 0 : checked(debit.Balance.DebitsPosted + transfer.Amount);
        var creditsPosted = credit is null ? 0 : checked(credit.Balance.CreditsPosted + transfer.Amount);
        if (debit is not null && !WithinLimit(debit, debitsPosted, debit.Balance.DebitsPending))
        {
            return TransferResult.ExceedsLimit;
        }

        if (debit is not null)
        {
            debit.Balance.DebitsPosted = debitsPosted;
        }

        if (credit is not null)
        {
            credit.Balance.CreditsPosted = creditsPosted;
        }

        return TransferResult.Ok;
    }

    private TransferResult Reserve(Transfer transfer, TrackedAccount? debit, TrackedAccount? credit, DateTimeOffset now)
    {
        if (transfer.Amount <= 0)
        {
            return TransferResult.AmountMustBePositive;
        }

        if (_pending.ContainsKey(transfer.Id))
        {
            return TransferResult.PendingIdAlreadyExists;
        }

        if (transfer.Timeout is not { } timeout || timeout <= now)
        {
            return TransferResult.TimeoutMustBeInTheFuture;
        }

        var debitsPending = debit is null ? 0 : checked(debit.Balance.DebitsPending + transfer.Amount);
        var creditsPending = credit is null ? 0 : checked(credit.Balance.CreditsPending + transfer.Amount);
        if (debit is not null && !WithinLimit(debit, debit.Balance.DebitsPosted, debitsPending))
        {
            return TransferResult.ExceedsLimit;
        }

        if (debit is not null)
        {
            debit.Balance.DebitsPending = debitsPending;
        }

        if (credit is not null)
        {
            credit.Balance.CreditsPending = creditsPending;
        }

        _pending.Add(transfer.Id, new PendingTransfer(transfer.Id, transfer.Ledger, transfer.DebitAccount, transfer.CreditAccount, transfer.Amount, timeout));
        return TransferResult.Ok;
    }

    private TransferResult PostPending(Transfer transfer, TrackedAccount? debit, TrackedAccount? credit, DateTimeOffset now)
    {
        if (Open(transfer, out var pending) is { } refused)
        {
            return refused;
        }

        if (transfer.Amount <= 0)
        {
            return TransferResult.AmountMustBePositive;
        }

        if (now >= pending.Timeout)
        {
            return TransferResult.PendingExpired;
        }

        if (transfer.Amount > pending.Amount)
        {
            return TransferResult.ExceedsPendingAmount;
        }

        // Posting releases the whole reservation and moves what is posted; never more than was reserved, so
        // no limit can be crossed. Every total is computed before any is stored.
        var debitsPending = debit is null ? 0 : checked(debit.Balance.DebitsPending - pending.Amount);
        var debitsPosted = debit is null ? 0 : checked(debit.Balance.DebitsPosted + transfer.Amount);
        var creditsPending = credit is null ? 0 : checked(credit.Balance.CreditsPending - pending.Amount);
        var creditsPosted = credit is null ? 0 : checked(credit.Balance.CreditsPosted + transfer.Amount);
        if (debit is not null)
        {
            debit.Balance.DebitsPending = debitsPending;
            debit.Balance.DebitsPosted = debitsPosted;
        }

        if (credit is not null)
        {
            credit.Balance.CreditsPending = creditsPending;
            credit.Balance.CreditsPosted = creditsPosted;
        }

        _pending[pending.Id] = pending with { State = PendingState.Posted, PostedAmount = transfer.Amount, EndedAt = now };
        return TransferResult.Ok;
    }

    private TransferResult VoidPending(Transfer transfer, TrackedAccount? debit, TrackedAccount? credit, DateTimeOffset now)
    {
        if (Open(transfer, out var pending) is { } refused)
        {
            return refused;
        }

        if (transfer.Amount != pending.Amount)
        {
            return TransferResult.PendingMismatch;
        }

        var debitsPending = debit is null ? 0 : checked(debit.Balance.DebitsPending - pending.Amount);
        var creditsPending = credit is null ? 0 : checked(credit.Balance.CreditsPending - pending.Amount);
        if (debit is not null)
        {
            debit.Balance.DebitsPending = debitsPending;
        }

        if (credit is not null)
        {
            credit.Balance.CreditsPending = creditsPending;
        }

        _pending[pending.Id] = pending with { State = PendingState.Voided, EndedAt = now };
        return TransferResult.Ok;
    }

    /// <summary>The pending transfer a post or void names, if it is still pending and matches.</summary>
    private TransferResult? Open(Transfer transfer, out PendingTransfer pending)
    {
        pending = null!;
        if (string.IsNullOrEmpty(transfer.PendingId))
        {
            return TransferResult.PendingIdMissing;
        }

        if (!_pending.TryGetValue(transfer.PendingId, out var found))
        {
            return TransferResult.PendingNotFound;
        }

        pending = found;
        if (found.State == PendingState.Posted)
        {
            return TransferResult.PendingAlreadyPosted;
        }

        if (found.State == PendingState.Voided)
        {
            return TransferResult.PendingAlreadyVoided;
        }

        var same = found.Ledger == transfer.Ledger
            && string.Equals(found.DebitAccount, transfer.DebitAccount, StringComparison.Ordinal)
            && string.Equals(found.CreditAccount, transfer.CreditAccount, StringComparison.Ordinal);
        return same ? null : TransferResult.PendingMismatch;
    }

    /// <summary>Posted credits, plus the limit, cover posted and pending debits.</summary>
    private static bool WithinLimit(TrackedAccount account, long debitsPosted, long debitsPending)
        => account.Limit is not { } limit || checked(debitsPosted + debitsPending) <= checked(account.Balance.CreditsPosted + limit);
}
