using Npgsql;

namespace TimeBank.Storage.Postgres;

/// <summary>The journal's columns in the order <see cref="Read"/> expects them.</summary>
internal static class PostgresJournalColumns
{
    public const string Select =
        "sequence, request_id, leg, ledger, debit_account, credit_account, amount, code, reference, balance_after, recorded_at, request_hash";

    public static JournalEntry Read(NpgsqlDataReader reader) => new(
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
        RecordedAt: reader.GetFieldValue<DateTimeOffset>(10),
        RequestHash: reader.GetFieldValue<byte[]>(11));
}
