using TimeBank.Ledger;

namespace TimeBank.Grains.Internal;

/// <summary>
/// What one mutation changed, handed to the grain's apply step: the transfers it posts (each with the
/// balance it left on the grain's own account) and whether it changed state at all. The grain says what
/// happened; <see cref="TimeBankGrain{TState}"/> turns it into journal rows and one durable write.
/// </summary>
public sealed class Changes
{
    private readonly List<PostedTransfer> _transfers = [];

    internal Changes(DateTimeOffset now)
    {
        Now = now;
    }

    /// <summary>The mutation's time, already truncated to what the journal keeps, so a replay matches.</summary>
    public DateTimeOffset Now { get; }

    internal IReadOnlyList<PostedTransfer> Transfers => _transfers;

    internal bool StateChanged { get; private set; }

    /// <summary>Records one transfer leg; the state change it explains must already be made.</summary>
    public void Post(LedgerKind ledger, string debitAccount, string creditAccount, long amount, TransferCode code, string reference, long balanceAfter)
    {
        _transfers.Add(new PostedTransfer(ledger, debitAccount, creditAccount, amount, code, reference, balanceAfter));
        StateChanged = true;
    }

    /// <summary>Says the state changed without any transfer (a registration, a policy).</summary>
    public void StateWasChanged() => StateChanged = true;

    internal sealed record PostedTransfer(
        LedgerKind Ledger, string DebitAccount, string CreditAccount, long Amount, TransferCode Code, string Reference, long BalanceAfter);
}
