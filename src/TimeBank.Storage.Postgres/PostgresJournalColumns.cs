using Npgsql;

namespace TimeBank.Storage.Postgres;

/// <summary>The journal's columns in the order <see cref="Read"/> expects them; queries alias the table <c>j</c>.</summary>
internal static class PostgresJournalColumns
{
    public const string Select =
        "j.sequence, j.request_id, j.leg, j.ledger, j.debit_account, j.credit_account, j.amount, j.code, j.reference, j.balance_after, j.recorded_at, j.request_hash, j.actor_key_id, "
        + "j.kind, j.pending_id, j.timeout_at, j.category, j.memo, j.policy_version, j.chain_hash";

    /// <param name="offset">Where the journal columns start in the row.</param>
    public static JournalEntry Read(NpgsqlDataReader reader, int offset = 0) => new(
        Sequence: reader.GetInt64(offset),
        RequestId: reader.GetString(offset + 1),
        Leg: reader.GetInt32(offset + 2),
        Ledger: reader.GetInt32(offset + 3),
        DebitAccount: reader.GetString(offset + 4),
        CreditAccount: reader.GetString(offset + 5),
        Amount: reader.GetInt64(offset + 6),
        Code: reader.GetInt32(offset + 7),
        Reference: reader.GetString(offset + 8),
        BalanceAfter: reader.GetInt64(offset + 9),
        RecordedAt: reader.GetFieldValue<DateTimeOffset>(offset + 10),
        RequestHash: reader.GetFieldValue<byte[]>(offset + 11))
    {
        ActorKeyId = reader.GetString(offset + 12),
        Kind = reader.GetInt32(offset + 13),
        PendingId = reader.GetString(offset + 14),
        TimeoutAt = reader.IsDBNull(offset + 15) ? null : reader.GetFieldValue<DateTimeOffset>(offset + 15),
        Category = reader.GetString(offset + 16),
        Memo = reader.GetString(offset + 17),
        PolicyVersion = reader.GetInt64(offset + 18),
        ChainHash = reader.IsDBNull(offset + 19) ? ReadOnlyMemory<byte>.Empty : reader.GetFieldValue<byte[]>(offset + 19),
    };
}
