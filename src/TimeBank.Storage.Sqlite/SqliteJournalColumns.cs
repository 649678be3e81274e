using Microsoft.Data.Sqlite;

namespace TimeBank.Storage.Sqlite;

/// <summary>The journal's columns in the order <see cref="Read"/> expects them.</summary>
internal static class SqliteJournalColumns
{
    public const string Select =
        "sequence, request_id, leg, ledger, debit_account, credit_account, amount, code, reference, balance_after, recorded_at, request_hash, actor_key_id, "
        + "kind, pending_id, timeout_at, category, memo, policy_version, chain_hash";

    public static async Task<IReadOnlyList<JournalEntry>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<JournalEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    /// <param name="offset">Where the journal columns start in the row.</param>
    public static JournalEntry Read(SqliteDataReader reader, int offset = 0) => new(
        Sequence: reader.GetInt64(offset + 0),
        RequestId: reader.GetString(offset + 1),
        Leg: reader.GetInt32(offset + 2),
        Ledger: reader.GetInt32(offset + 3),
        DebitAccount: reader.GetString(offset + 4),
        CreditAccount: reader.GetString(offset + 5),
        Amount: reader.GetInt64(offset + 6),
        Code: reader.GetInt32(offset + 7),
        Reference: reader.GetString(offset + 8),
        BalanceAfter: reader.GetInt64(offset + 9),
        RecordedAt: UnixMicroseconds.To(reader.GetInt64(offset + 10)),
        RequestHash: (byte[])reader.GetValue(offset + 11))
    {
        ActorKeyId = reader.GetString(offset + 12),
        Kind = reader.GetInt32(offset + 13),
        PendingId = reader.GetString(offset + 14),
        TimeoutAt = reader.IsDBNull(offset + 15) ? null : UnixMicroseconds.To(reader.GetInt64(offset + 15)),
        Category = reader.GetString(offset + 16),
        Memo = reader.GetString(offset + 17),
        PolicyVersion = reader.GetInt64(offset + 18),
        ChainHash = reader.IsDBNull(offset + 19) ? ReadOnlyMemory<byte>.Empty : (byte[])reader.GetValue(offset + 19),
    };
}
