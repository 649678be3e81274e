namespace TimeBank.Storage;

/// <summary>
/// One row of the append-only journal: a transfer leg as the owning grain recorded it.
/// <see cref="Sequence"/> numbers the owner's rows 1, 2, 3... and is assigned by the owner, so a replay
/// reads them in order. <see cref="RequestHash"/> fingerprints the client's request, so a retry with other
/// content under the same request id is told apart from a true retry. <see cref="ActorKeyId"/> names who asked.
/// <see cref="ChainHash"/> chains the row to the one before it in the same grain (see <see cref="JournalChain"/>).
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

    /// <summary>Posted, pending, post-pending or void-pending (the ledger's <c>TransferKind</c> as its number).</summary>
    public int Kind { get; init; }

    /// <summary>For a post or void: the id of the pending transfer it completes.</summary>
    public string PendingId { get; init; } = "";

    /// <summary>For a pending transfer: when it lapses unless posted.</summary>
    public DateTimeOffset? TimeoutAt { get; init; }

    /// <summary>The service category the transfer counts under, or empty.</summary>
    public string Category { get; init; } = "";

    /// <summary>The caller's note (a gift's memo, a reversal's reason).</summary>
    public string Memo { get; init; } = "";

    /// <summary>The version of the community policy the grain applied (0: none applied).</summary>
    public long PolicyVersion { get; init; }

    /// <summary>SHA-256 over the previous row's chain hash and this row's content; empty only before it is computed.</summary>
    public ReadOnlyMemory<byte> ChainHash { get; init; }
}
