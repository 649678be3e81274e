using Microsoft.Data.Sqlite;

namespace TimeBank.Storage.Sqlite;

/// <summary>The journal's columns in the order <see cref="Read"/> expects them.</summary>
internal static class SqliteJournalColumns
{
    public const string Select =
        "sequence, request_id, leg, ledger, debit_account, credit_account, amount, code, reference, balance_after, recorded_at, request_hash, actor_key_id";

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

    private static JournalEntry Read(SqliteDataReader reader) => new(
        Sequence: reader.GetInt64(0),
        RequestId: reader.GetString(1),
        Leg: reader.GetInt32(2),
        Ledger: reader.GetInt32(3),
        DebitAccount: reader.GetString(4),
        CreditAccount: reader.GetString(5),
        Amount: reader.GetInt64(6),
        Code: reader.GetInt32(7),
        Reference: reader.GetString(8),
        BalanceAfter: reader.GetInt64(9),
        RecordedAt: UnixMicroseconds.To(reader.GetInt64(10)),
        RequestHash: (byte[])reader.GetValue(11))
    {
        ActorKeyId = reader.GetString(12),
    };
}
