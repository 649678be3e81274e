using TimeBank.Grains.Internal;
using TimeBank.Ledger;
using TimeBank.Storage;

namespace TimeBank.Grains;

/// <summary>Reads a stored journal row back as the ledger transfer it records, for replays and audits.</summary>
public static class JournalTransfers
{
    public static Transfer ToTransfer(string grainId, JournalEntry row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new Transfer(
            Changes.TransferId(grainId, row.Sequence), (LedgerKind)row.Ledger, row.DebitAccount, row.CreditAccount, row.Amount, (TransferCode)row.Code,
            row.Category, row.Reference, row.ActorKeyId, row.RecordedAt, (TransferKind)row.Kind,
            string.IsNullOrEmpty(row.PendingId) ? null : row.PendingId, row.TimeoutAt);
    }
}
