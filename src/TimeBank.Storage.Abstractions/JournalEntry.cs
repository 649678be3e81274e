namespace TimeBank.Storage;

/// <summary>
/// One row of the append-only journal: a transfer leg as the owning grain recorded it.
/// <see cref="Sequence"/> numbers the owner's rows 1, 2, 3... and is assigned by the owner, so a replay
/// reads them in order. <see cref="RequestHash"/> fingerprints the client's request, so a retry with other
/// content under the same request id is told apart from a true retry. <see cref="ActorKeyId"/> names who asked.
/// </summary>
public sealed record JournalEntry(
    long Sequence,
    string RequestId,
    int Leg,
    int Ledger,
    string DebitAccount,
    string CreditAccount,
    long Amount,
    int Code,
    string Reference,
    long BalanceAfter,
    DateTimeOffset RecordedAt,
    ReadOnlyMemory<byte> RequestHash)
{
    /// <summary>The API key whose request caused this row: the books say who recorded what.</summary>
    public string ActorKeyId { get; init; } = "";
}
