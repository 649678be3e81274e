using System.Diagnostics;
using System.Globalization;
using Grpc.Health.V1;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using TimeBank.Client;

namespace TimeBank.Benchmarks;

/// <summary>
/// How long the server takes to start and answer SERVING on a database that already holds a big community's
/// books: a generator fills the database with <c>--volunteers</c> volunteer states and <c>--journal-rows</c>
/// journal rows in the storage's own tables (PostgreSQL: binary COPY; SQLite: generated inside SQLite in key
/// order, then the file is put back in WAL mode as the server keeps it), then the server process is started on it
/// and the health service polled until it answers SERVING; the time from the process's start to that answer is
/// printed.
/// </summary>
/// <remarks>
/// <c>--start-time --server PATH-TO-TimeBank.Server.dll [--providers sqlite,postgres] [--volunteers 1000000]
/// [--journal-rows 10000000] [--postgres CS]</c>. PostgreSQL is skipped, with a line saying so, when no connection
/// string is given.
/// </remarks>
internal static class StartTime
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var volunteers = int.Parse(Option(args, "--volunteers") ?? "1000000", CultureInfo.InvariantCulture);
        var rows = long.Parse(Option(args, "--journal-rows") ?? "10000000", CultureInfo.InvariantCulture);
        var server = Option(args, "--server") ?? throw new ArgumentException("--server: the path of TimeBank.Server.dll (Release build)");
        var postgres = Option(args, "--postgres") ?? Environment.GetEnvironmentVariable("TIMEBANK_TEST_POSTGRES");
        var failed = 0;
        foreach (var provider in (Option(args, "--providers") ?? "sqlite,postgres").Split(','))
        {
            var data = Path.Combine(Path.GetTempPath(), "timebank-start", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(data);
            try
            {
                var clock = Stopwatch.StartNew();
                string[] storage;
                switch (provider)
                {
                    case "sqlite":
                        await FillSqliteAsync(Path.Combine(data, "timebank.db"), volunteers, rows);
                        storage = [];
                        break;
                    case "postgres" when string.IsNullOrEmpty(postgres):
                        output.WriteLine("start time, postgres: skipped (no --postgres and no TIMEBANK_TEST_POSTGRES)");
                        continue;
                    case "postgres":
                        storage = ["--TimeBank:Storage:Provider", "postgres", "--TimeBank:Storage:ConnectionString", await FillPostgresAsync(postgres, volunteers, rows)];
                        break;
                    default:
                        throw new ArgumentException($"--providers takes sqlite and postgres; got '{provider}'.");
                }

                output.WriteLine($"start time, {provider}: filled with {volunteers:N0} volunteers and {rows:N0} journal rows in {clock.Elapsed.TotalSeconds:F0} s");
                failed += await TimeStartAsync(server, data, storage, provider, volunteers, rows, output);
            }
            finally
            {
                Directory.Delete(data, recursive: true);
            }
        }

        return failed == 0 ? 0 : 1;
    }

    private static async Task<int> TimeStartAsync(string server, string data, string[] storage, string provider, int volunteers, long rows, TextWriter output)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { server, "--urls", "http://127.0.0.1:5096", "--TimeBank:DataDirectory", data }.Concat(storage))
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = TimeBankClient.Connect("http://127.0.0.1:5096");
            while (clock.Elapsed < TimeSpan.FromMinutes(5))
            {
                try
                {
                    if ((await client.CheckHealthAsync()).Status == HealthCheckResponse.Types.ServingStatus.Serving)
                    {
                        output.WriteLine($"start time, {provider}: SERVING {clock.Elapsed.TotalSeconds:F2} s after the process started (the database holds {volunteers:N0} volunteers, {rows:N0} journal rows)");
                        return 0;
                    }
                }
                catch (Rpc.RpcException)
                {
                    // not listening yet
                }

                await Task.Delay(20);
            }

            output.WriteLine($"start time, {provider}: no SERVING within 5 minutes");
            return 1;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>
    /// The same books as <see cref="FillPostgresAsync"/>, generated by SQLite itself in key order (a recursive
    /// counter, so no row crosses into .NET), unjournalled for speed; the file is back in WAL mode afterwards.
    /// </summary>
    private static async Task FillSqliteAsync(string path, int volunteers, long rows)
    {
        await using (await Storage.Sqlite.SqliteGrainStorage.OpenAsync(new Storage.Sqlite.SqliteStorageOptions { DatabasePath = path }))
        {
            // The migrations lay out the tables exactly as the server expects them.
        }

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        var perVolunteer = Math.Max(1, rows / volunteers);
        var now = DateTimeOffset.UtcNow;
        await using var fill = connection.CreateCommand();
        fill.CommandTimeout = 0;
        fill.CommandText = """
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;
            BEGIN;
            WITH RECURSIVE n(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM n WHERE v + 1 < $volunteers)
            INSERT INTO grain_state (grain_id, version, payload, updated_at)
            SELECT printf('volunteer/v%07d', v), 1 + $per,
                CAST(printf('{"displayName":"Volunteer %d","communityId":"riverside","registeredAt":"%s","hours":{"debitsPosted":0,"creditsPosted":%d,"debitsPending":0,"creditsPending":0},"points":{"debitsPosted":0,"creditsPosted":%d,"debitsPending":0,"creditsPending":0},"journalSequence":%d,"journalHash":""}', v, $registered, $per * 15, $per * 3, $per) AS BLOB),
                $now
            FROM n;
            WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i + 1 < $rows)
            INSERT INTO journal (grain_id, sequence, request_id, leg, ledger, debit_account, credit_account, amount, code, reference, balance_after,
                recorded_at, request_hash, actor_key_id, kind, pending_id, timeout_at, category, memo, policy_version, chain_hash)
            SELECT printf('volunteer/v%07d', i / $per), i % $per + 1, printf('seed-%d-%d', i / $per, (i % $per + 2) / 2), i % 2, i % 2 + 1,
                CASE i % 2 WHEN 0 THEN 'community/riverside/hours-issued' ELSE 'community/riverside/points-issued' END,
                printf(CASE i % 2 WHEN 0 THEN 'volunteer/v%07d/hours' ELSE 'volunteer/v%07d/points' END, i / $per),
                CASE i % 2 WHEN 0 THEN 30 ELSE 5 END, 1, 'park', (i % $per + 1) * 15, $at, zeroblob(32), 'loadgen', 1, '', NULL, '', '', 1, zeroblob(32)
            FROM r;
            COMMIT;
            PRAGMA journal_mode=WAL;
            """;
        fill.Parameters.AddWithValue("$volunteers", volunteers);
        fill.Parameters.AddWithValue("$rows", perVolunteer * volunteers);
        fill.Parameters.AddWithValue("$per", perVolunteer);
        fill.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        fill.Parameters.AddWithValue("$registered", now.ToString("O", CultureInfo.InvariantCulture));
        fill.Parameters.AddWithValue("$at", now.ToUnixTimeMilliseconds() * 1000);
        await fill.ExecuteNonQueryAsync();
    }

    private static async Task<string> FillPostgresAsync(string postgres, int volunteers, long rows)
    {
        var scoped = await FreshSchema.CreateAsync(postgres, "start");
        await using (await Storage.Postgres.PostgresGrainStorage.OpenAsync(new Storage.Postgres.PostgresStorageOptions { ConnectionString = scoped }))
        {
            // The migrations lay out the tables exactly as the server expects them.
        }

        await FillAsync(scoped, volunteers, rows);
        return scoped;
    }

    /// <summary>Volunteer states, then journal rows spread over them (ten a volunteer for the defaults), in binary COPY.</summary>
    private static async Task FillAsync(string connectionString, int volunteers, long rows)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var perVolunteer = Math.Max(1, rows / volunteers);
        await using (var states = await connection.BeginBinaryImportAsync("COPY grain_state (grain_id, version, payload, updated_at) FROM STDIN (FORMAT BINARY)"))
        {
            var now = DateTime.UtcNow;
            for (var v = 0; v < volunteers; v++)
            {
                var payload = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
                {
                    displayName = $"Volunteer {v}", communityId = "riverside", registeredAt = now,
                    hours = new { debitsPosted = 0, creditsPosted = perVolunteer * 15, debitsPending = 0, creditsPending = 0 },
                    points = new { debitsPosted = 0, creditsPosted = perVolunteer * 3, debitsPending = 0, creditsPending = 0 },
                    journalSequence = perVolunteer, journalHash = "",
                });
                await states.StartRowAsync();
                await states.WriteAsync($"volunteer/v{v:D7}", NpgsqlDbType.Text);
                await states.WriteAsync(1L + perVolunteer, NpgsqlDbType.Bigint);
                await states.WriteAsync(payload, NpgsqlDbType.Bytea);
                await states.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }

            await states.CompleteAsync();
        }

        await using var journal = await connection.BeginBinaryImportAsync(
            "COPY journal (grain_id, sequence, request_id, leg, ledger, debit_account, credit_account, amount, code, reference, balance_after, recorded_at, "
            + "request_hash, actor_key_id, kind, pending_id, timeout_at, category, memo, policy_version, chain_hash) FROM STDIN (FORMAT BINARY)");
        var hash = new byte[32];
        var at = DateTime.UtcNow;
        for (long r = 0; r < rows; r++)
        {
            var v = (int)(r % volunteers);
            var sequence = (r / volunteers) + 1;
            var hours = sequence % 2 == 1;
            await journal.StartRowAsync();
            await journal.WriteAsync($"volunteer/v{v:D7}", NpgsqlDbType.Text);
            await journal.WriteAsync(sequence, NpgsqlDbType.Bigint);
            await journal.WriteAsync($"seed-{v}-{(sequence + 1) / 2}", NpgsqlDbType.Text);
            await journal.WriteAsync(hours ? 0 : 1, NpgsqlDbType.Integer);
            await journal.WriteAsync(hours ? 1 : 2, NpgsqlDbType.Integer);
            await journal.WriteAsync(hours ? "community/riverside/hours-issued" : "community/riverside/points-issued", NpgsqlDbType.Text);
            await journal.WriteAsync(hours ? $"volunteer/v{v:D7}/hours" : $"volunteer/v{v:D7}/points", NpgsqlDbType.Text);
            await journal.WriteAsync(hours ? 30L : 5L, NpgsqlDbType.Bigint);
            await journal.WriteAsync(1, NpgsqlDbType.Integer);
            await journal.WriteAsync("park", NpgsqlDbType.Text);
            await journal.WriteAsync(sequence * 15, NpgsqlDbType.Bigint);
            await journal.WriteAsync(at, NpgsqlDbType.TimestampTz);
            await journal.WriteAsync(hash, NpgsqlDbType.Bytea);
            await journal.WriteAsync("loadgen", NpgsqlDbType.Text);
            await journal.WriteAsync(1, NpgsqlDbType.Integer);
            await journal.WriteAsync("", NpgsqlDbType.Text);
            await journal.WriteNullAsync();
            await journal.WriteAsync("", NpgsqlDbType.Text);
            await journal.WriteAsync("", NpgsqlDbType.Text);
            await journal.WriteAsync(1L, NpgsqlDbType.Bigint);
            await journal.WriteAsync(hash, NpgsqlDbType.Bytea);
        }

        await journal.CompleteAsync();
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
