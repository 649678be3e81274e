using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

namespace TimeBank.Benchmarks;

/// <summary>
/// The raw batched-insert ceiling of each database for rows of a deposit's shape: what TimeBank writes for one
/// durable deposit — the volunteer's state row updated, two journal rows, one request record — written by a
/// tiny program straight into the same tables (created by the storage's own migrations), many deposits per
/// transaction, durable settings kept (SQLite WAL with synchronous=FULL; PostgreSQL synchronous_commit=on).
/// No grains, no ledger, no gRPC: the most the database takes here, for the ratio "TimeBank / ceiling".
/// </summary>
/// <remarks>
/// <c>--raw-ceiling [--providers sqlite,postgres] [--seconds 8] [--batch 256] [--rows-per-statement 1,32] [--postgres CS]</c>;
/// prints deposits/s per provider. SQLite is written once per statement shape (rows a statement) and its ceiling is
/// the best of them: which shape wins changes with the batch size on this machine. Request ids are time-ordered
/// (UUIDv7), as the load generator sends them.
/// </remarks>
internal static class RawCeiling
{
    internal const int Volunteers = 1_000;

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var seconds = int.Parse(Option(args, "--seconds") ?? "8", CultureInfo.InvariantCulture);
        var batch = int.Parse(Option(args, "--batch") ?? "256", CultureInfo.InvariantCulture);
        var shapes = (Option(args, "--rows-per-statement") ?? "1,32").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray();
        var postgres = Option(args, "--postgres") ?? Environment.GetEnvironmentVariable("TIMEBANK_TEST_POSTGRES");
        foreach (var provider in (Option(args, "--providers") ?? "sqlite,postgres").Split(','))
        {
            switch (provider)
            {
                case "sqlite":
                    var best = (Rate: 0.0, Rows: 0);
                    foreach (var rows in shapes)
                    {
                        var (written, busy) = await SqliteCeiling.RunAsync(batch, rows, seconds, Option(args, "--sqlite-pragmas"));
                        var rate = written / busy.TotalSeconds;
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  sqlite, {rows} rows a statement: {written} deposits ({written * 4} rows) in {busy.TotalSeconds:F1} s = {rate:F0} deposits/s"));
                        best = rate > best.Rate ? (rate, rows) : best;
                    }

                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"raw ceiling, sqlite: {best.Rate:F0} deposits/s, {batch} a transaction (best: {best.Rows} rows a statement)"));
                    break;
                case "postgres" when string.IsNullOrEmpty(postgres):
                    output.WriteLine("postgres: skipped (no --postgres and no TIMEBANK_TEST_POSTGRES)");
                    break;
                case "postgres":
                    var (deposits, elapsed) = await PostgresAsync(postgres!, batch, seconds);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"raw ceiling, postgres: {deposits / elapsed.TotalSeconds:F0} deposits/s, {batch} a transaction ({deposits} deposits, {deposits * 4} rows in {elapsed.TotalSeconds:F1} s)"));
                    break;
                default:
                    throw new ArgumentException($"--providers takes sqlite and postgres; got '{provider}'.");
            }
        }

        return 0;
    }

    /// <summary>What one deposit writes, with values of the real rows' sizes.</summary>
    internal sealed record Deposit(string GrainId, long Version, byte[] Payload, long Sequence, string RequestId, byte[] Hash, byte[] Chain1, byte[] Chain2, byte[] Result);

    internal static Deposit[] NextBatch(int size, long[] versions, Random random)
    {
        // Distinct volunteers, as in the storage's batches (a grain's next write waits for its previous commit).
        var chosen = new HashSet<int>();
        var deposits = new Deposit[Math.Min(size, Volunteers)];
        for (var i = 0; i < deposits.Length; i++)
        {
            int v;
            do
            {
                v = random.Next(Volunteers);
            }
            while (!chosen.Add(v));

            var version = versions[v]++;
            // A volunteer's state and a deposit's answer as the grains serialize them (the same JSON, about the same sizes).
            var payload = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
            {
                displayName = $"Volunteer {v}", communityId = "riverside", registeredAt = "2026-12-07T10:00:00+00:00",
                hours = new { debitsPosted = 0, creditsPosted = version * 30, debitsPending = 0, creditsPending = 0 },
                points = new { debitsPosted = 0, creditsPosted = version * 5, debitsPending = 0, creditsPending = 0 },
                journalSequence = version * 2, journalHash = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                pending = new { }, outgoing = new { }, reversals = new { },
            });
            var result = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
            {
                requestId = Guid.NewGuid().ToString(), minutesCredited = 30, pointsAwarded = 5, recordedAt = "2026-12-07T10:00:00+00:00",
                balances = new { hoursMinutes = version * 30, hoursAvailableMinutes = version * 30, points = version * 5, pointsAvailable = version * 5 },
                hoursTransferId = $"volunteer/v{v}#{(version * 2) - 1}", pointsTransferId = $"volunteer/v{v}#{version * 2}",
            });
            deposits[i] = new Deposit($"volunteer/v{v}", version, payload, (version - 1) * 2 + 1, Guid.CreateVersion7().ToString(),
                RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), result);
        }

        return deposits;
    }

    private static async Task<(long Deposits, TimeSpan Elapsed)> PostgresAsync(string connectionString, int batch, int seconds)
    {
        var scoped = await FreshSchema.CreateAsync(connectionString, "ceiling");
        await using (var storage = await Storage.Postgres.PostgresGrainStorage.OpenAsync(new Storage.Postgres.PostgresStorageOptions { ConnectionString = scoped }))
        {
            // The migrations lay out the tables exactly as TimeBank writes them.
        }

        await using var connection = new NpgsqlConnection(scoped);
        await connection.OpenAsync();
        await using (var durable = new NpgsqlCommand("SET synchronous_commit = on", connection))
        {
            await durable.ExecuteNonQueryAsync();
        }

        var versions = Enumerable.Repeat(1L, Volunteers).ToArray();
        await using (var seed = new NpgsqlCommand(
            "INSERT INTO grain_state (grain_id, version, payload, updated_at) SELECT 'volunteer/v' || g, 1, '\\x7b7d'::bytea, now() FROM generate_series(0, $1 - 1) AS g", connection))
        {
            seed.Parameters.AddWithValue(Volunteers);
            await seed.ExecuteNonQueryAsync();
        }

        // Only the database's part is timed: the rows are made before each transaction.
        var random = new Random(1);
        var busy = TimeSpan.Zero;
        long written = 0;
        while (busy < TimeSpan.FromSeconds(seconds))
        {
            var deposits = NextBatch(batch, versions, random);
            var now = DateTime.UtcNow;
            var started = Stopwatch.GetTimestamp();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var state = new NpgsqlCommand(
                "UPDATE grain_state AS s SET version = s.version + 1, payload = u.payload, updated_at = $3 FROM unnest($1::text[], $2::bytea[]) AS u(grain_id, payload) WHERE s.grain_id = u.grain_id",
                connection, transaction))
            {
                state.Parameters.AddWithValue(deposits.Select(d => d.GrainId).ToArray());
                state.Parameters.AddWithValue(deposits.Select(d => d.Payload).ToArray());
                state.Parameters.AddWithValue(now);
                await state.ExecuteNonQueryAsync();
            }

            await using (var copy = await connection.BeginBinaryImportAsync(
                "COPY journal (grain_id, sequence, request_id, leg, ledger, debit_account, credit_account, amount, code, reference, balance_after, recorded_at, "
                + "request_hash, actor_key_id, kind, pending_id, timeout_at, category, memo, policy_version, chain_hash) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var d in deposits)
                {
                    for (var leg = 0; leg < 2; leg++)
                    {
                        await copy.StartRowAsync();
                        await copy.WriteAsync(d.GrainId, NpgsqlDbType.Text);
                        await copy.WriteAsync(d.Sequence + leg, NpgsqlDbType.Bigint);
                        await copy.WriteAsync(d.RequestId, NpgsqlDbType.Text);
                        await copy.WriteAsync(leg, NpgsqlDbType.Integer);
                        await copy.WriteAsync(leg + 1, NpgsqlDbType.Integer);
                        await copy.WriteAsync(leg == 0 ? "community/riverside/hours-issued" : "community/riverside/points-issued", NpgsqlDbType.Text);
                        await copy.WriteAsync(leg == 0 ? $"{d.GrainId}/hours" : $"{d.GrainId}/points", NpgsqlDbType.Text);
                        await copy.WriteAsync(leg == 0 ? 30L : 5L, NpgsqlDbType.Bigint);
                        await copy.WriteAsync(1, NpgsqlDbType.Integer);
                        await copy.WriteAsync("park", NpgsqlDbType.Text);
                        await copy.WriteAsync(d.Version * (leg == 0 ? 30L : 5L), NpgsqlDbType.Bigint);
                        await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
                        await copy.WriteAsync(d.Hash, NpgsqlDbType.Bytea);
                        await copy.WriteAsync("loadgen", NpgsqlDbType.Text);
                        await copy.WriteAsync(1, NpgsqlDbType.Integer);
                        await copy.WriteAsync("", NpgsqlDbType.Text);
                        await copy.WriteNullAsync();
                        await copy.WriteAsync("", NpgsqlDbType.Text);
                        await copy.WriteAsync("", NpgsqlDbType.Text);
                        await copy.WriteAsync(1L, NpgsqlDbType.Bigint);
                        await copy.WriteAsync(leg == 0 ? d.Chain1 : d.Chain2, NpgsqlDbType.Bytea);
                    }
                }

                await copy.CompleteAsync();
            }

            await using (var requests = new NpgsqlCommand(
                "INSERT INTO requests (caller_key_id, request_id, operation, target, fingerprint, result, recorded_at) "
                + "SELECT 'loadgen', r, 'DepositHours', t, f, x, $5 FROM unnest($1::text[], $2::text[], $3::bytea[], $4::bytea[]) AS u(r, t, f, x)",
                connection, transaction))
            {
                requests.Parameters.AddWithValue(deposits.Select(d => d.RequestId).ToArray());
                requests.Parameters.AddWithValue(deposits.Select(d => d.GrainId).ToArray());
                requests.Parameters.AddWithValue(deposits.Select(d => d.Hash).ToArray());
                requests.Parameters.AddWithValue(deposits.Select(d => d.Result).ToArray());
                requests.Parameters.AddWithValue(now);
                await requests.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
            busy += Stopwatch.GetElapsedTime(started);
            written += deposits.Length;
        }

        return (written, busy);
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
