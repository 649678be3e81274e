using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using TimeBank.Storage.Sqlite;

namespace TimeBank.Benchmarks;

/// <summary>
/// SQLite's side of <see cref="RawCeiling"/>: a deposit's rows written as fast as this program can write them into
/// the tables the storage's migrations create, under the storage's own durability and checkpoint regime (WAL,
/// <c>synchronous=FULL</c>, a passive checkpoint beside the writer every interval, the writer's own checkpoint as
/// the WAL's bound, the writer's page cache), so the ceiling is what the same database file takes, not a differently tuned one.
/// </summary>
/// <remarks>
/// Per deposit: the volunteer's state row updated (payload, version and its standing's columns), two journal rows and
/// one request record; per transaction, the two report counters a batch of deposits adds to. A volunteer appears at
/// most once per transaction, as in the storage's batches (a grain's next write waits for its previous commit).
/// Statements carry <c>rowsPerStatement</c> rows each (multi-row VALUES), so per-statement overhead is not what is
/// measured; the best of these is the ceiling.
/// </remarks>
internal static class SqliteCeiling
{
    private const string JournalColumns = "grain_id, sequence, request_id, leg, ledger, debit_account, credit_account, amount, code, reference, "
        + "balance_after, recorded_at, request_hash, actor_key_id, kind, pending_id, timeout_at, category, memo, policy_version, chain_hash";

    public static async Task<(long Deposits, TimeSpan Elapsed)> RunAsync(int batch, int rowsPerStatement, int seconds, string? extraPragmas = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowsPerStatement);
        var path = Path.Combine(Path.GetTempPath(), "timebank-ceiling", Guid.NewGuid().ToString("N"), "timebank.db");
        var options = new SqliteStorageOptions { DatabasePath = path };
        await using (var storage = await SqliteGrainStorage.OpenAsync(options))
        {
            // The migrations lay out the tables exactly as TimeBank writes them.
        }

        try
        {
            await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            await connection.OpenAsync();
            await ExecuteAsync(connection,
                $"PRAGMA journal_mode=WAL; PRAGMA synchronous={options.Synchronous}; PRAGMA wal_autocheckpoint={options.WalAutoCheckpointPages}; PRAGMA cache_size=-{options.WriterCacheKib}; {extraPragmas}");
            await SeedAsync(connection);

            using var stop = new CancellationTokenSource();
            var checkpoints = CheckpointAsync(path, options.CheckpointInterval, stop.Token);
            var commands = new Commands(connection, rowsPerStatement);
            var versions = Enumerable.Repeat(1L, RawCeiling.Volunteers).ToArray();
            var random = new Random(1);
            var busy = TimeSpan.Zero;
            long written = 0;
            while (busy < TimeSpan.FromSeconds(seconds))
            {
                // Only the database's part is timed: the rows are made before each transaction.
                var deposits = RawCeiling.NextBatch(batch, versions, random);
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
                var started = Stopwatch.GetTimestamp();
                await using var transaction = connection.BeginTransaction(deferred: false);
                commands.Write(transaction, deposits, now);
                await transaction.CommitAsync();
                busy += Stopwatch.GetElapsedTime(started);
                written += deposits.Length;
            }

            await stop.CancelAsync();
            await checkpoints;
            commands.Dispose();
            return (written, busy);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    private static async Task SeedAsync(SqliteConnection connection)
    {
        await using var seed = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.Transaction = seed;
        insert.CommandText = "INSERT INTO grain_state (grain_id, version, payload, updated_at, rank_scope, rank_member) VALUES ($id, 1, x'7b7d', 0, 'riverside', $id)";
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        for (var v = 0; v < RawCeiling.Volunteers; v++)
        {
            id.Value = $"volunteer/v{v}";
            await insert.ExecuteNonQueryAsync();
        }

        await seed.CommitAsync();
    }

    /// <summary>The storage's checkpoint regime: a passive checkpoint on its own connection every interval.</summary>
    private static async Task CheckpointAsync(string path, TimeSpan interval, CancellationToken stop)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(CancellationToken.None);
        try
        {
            while (true)
            {
                await Task.Delay(interval, stop);
                await ExecuteAsync(connection, "PRAGMA wal_checkpoint(PASSIVE)");
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Prepared multi-row statements, one per row count used (the full size and a batch's remainder).</summary>
    private sealed class Commands(SqliteConnection connection, int rowsPerStatement) : IDisposable
    {
        private readonly Dictionary<(string, int), SqliteCommand> _prepared = [];

        public void Write(SqliteTransaction transaction, RawCeiling.Deposit[] deposits, long now)
        {
            foreach (var chunk in deposits.Chunk(rowsPerStatement))
            {
                var state = Get("state", chunk.Length, StateSql, 8, transaction);
                var p = 0;
                foreach (var d in chunk)
                {
                    Set(state, ref p, d.GrainId, d.Payload, d.Version, "2026-12", d.Version * 30, "2026", d.Version * 30, d.Version * 30);
                }

                if (state.ExecuteNonQuery() != chunk.Length)
                {
                    throw new InvalidOperationException("A state row was not at its expected version.");
                }

                var requests = Get("requests", chunk.Length, RequestsSql, 6, transaction);
                p = 0;
                foreach (var d in chunk)
                {
                    Set(requests, ref p, d.RequestId, d.GrainId, d.Hash, d.Result, now, "DepositHours");
                }

                requests.ExecuteNonQuery();
            }

            foreach (var chunk in deposits.SelectMany(d => new[] { (d, Leg: 0), (d, Leg: 1) }).Chunk(rowsPerStatement))
            {
                var journal = Get("journal", chunk.Length, JournalSql, 12, transaction);
                var p = 0;
                foreach (var (d, leg) in chunk)
                {
                    Set(journal, ref p, d.GrainId, d.Sequence + leg, d.RequestId, leg, leg + 1,
                        leg == 0 ? "community/riverside/hours-issued" : "community/riverside/points-issued",
                        leg == 0 ? $"{d.GrainId}/hours" : $"{d.GrainId}/points", leg == 0 ? 30 : 5,
                        d.Version * (leg == 0 ? 30 : 5), now, d.Hash, leg == 0 ? d.Chain1 : d.Chain2);
                }

                journal.ExecuteNonQuery();
            }

            // The batch's report counters, summed over its deposits as the storage sums them.
            var tallies = Get("tallies", 2, TalliesSql, 2, transaction);
            var t = 0;
            Set(tallies, ref t, "minutes_credited", deposits.Length * 30L, "points_issued", deposits.Length * 5L);
            tallies.ExecuteNonQuery();
        }

        public void Dispose()
        {
            foreach (var command in _prepared.Values)
            {
                command.Dispose();
            }
        }

        private static void Set(SqliteCommand command, ref int index, params object[] values)
        {
            foreach (var value in values)
            {
                command.Parameters[index++].Value = value;
            }
        }

        private static string StateSql(string values) =>
            $"WITH u(id, payload, expected, month, month_amount, year, year_amount, all_amount) AS (VALUES {values}) "
            + "UPDATE grain_state SET version = version + 1, payload = u.payload, updated_at = 0, reminders = NULL, next_reminder_at = NULL, "
            + "rank_month = u.month, rank_month_amount = u.month_amount, rank_year = u.year, rank_year_amount = u.year_amount, rank_all_amount = u.all_amount "
            + "FROM u WHERE grain_state.grain_id = u.id AND grain_state.version = u.expected";

        private static string RequestsSql(string values) =>
            "INSERT INTO requests (request_id, target, fingerprint, result, recorded_at, operation, caller_key_id) "
            + $"SELECT column1, column2, column3, column4, column5, column6, 'loadgen' FROM (VALUES {values})";

        private static string JournalSql(string values) =>
            $"INSERT INTO journal ({JournalColumns}) SELECT column1, column2, column3, column4, column5, column6, column7, column8, 1, 'park', "
            + $"column9, column10, column11, 'loadgen', 1, '', NULL, 'park', '', 1, column12 FROM (VALUES {values})";

        private static string TalliesSql(string values) =>
            "INSERT INTO tallies (scope, period, name, key, amount) SELECT 'riverside', '2026-12', column1, 'park', column2 "
            + $"FROM (VALUES {values}) WHERE true ON CONFLICT (scope, period, name, key) DO UPDATE SET amount = amount + excluded.amount";

        private SqliteCommand Get(string name, int rows, Func<string, string> sql, int columns, SqliteTransaction transaction)
        {
            if (!_prepared.TryGetValue((name, rows), out var command))
            {
                var values = new StringBuilder();
                for (var r = 0; r < rows; r++)
                {
                    values.Append(r == 0 ? "(" : ", (");
                    for (var c = 0; c < columns; c++)
                    {
                        values.Append(c == 0 ? "?" : ", ?").Append((r * columns) + c + 1);
                    }

                    values.Append(')');
                }

                command = connection.CreateCommand();
                command.CommandText = sql(values.ToString());
                for (var i = 0; i < rows * columns; i++)
                {
                    command.Parameters.Add(new SqliteParameter { ParameterName = "?" + (i + 1) });
                }

                _prepared[(name, rows)] = command;
            }

            command.Transaction = transaction;
            return command;
        }
    }
}
