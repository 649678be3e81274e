using System.Diagnostics;
using System.Globalization;
using Grpc.Health.V1;
using Npgsql;
using NpgsqlTypes;
using TimeBank.Client;

namespace TimeBank.Benchmarks;

/// <summary>
/// How long the server takes to start and answer SERVING on a database that already holds a big community's
/// books: a generator fills PostgreSQL with <c>--volunteers</c> volunteer states and <c>--journal-rows</c>
/// journal rows (binary COPY into the storage's own tables), then the server process is started on it and the
/// health service polled until it answers SERVING; the time from the process's start to that answer is printed.
/// </summary>
/// <remarks><c>--start-time --server PATH-TO-TimeBank.Server.dll [--volunteers 1000000] [--journal-rows 10000000] [--postgres CS]</c>.</remarks>
internal static class StartTime
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var volunteers = int.Parse(Option(args, "--volunteers") ?? "1000000", CultureInfo.InvariantCulture);
        var rows = long.Parse(Option(args, "--journal-rows") ?? "10000000", CultureInfo.InvariantCulture);
        var server = Option(args, "--server") ?? throw new ArgumentException("--server: the path of TimeBank.Server.dll (Release build)");
        var postgres = Option(args, "--postgres") ?? Environment.GetEnvironmentVariable("TIMEBANK_TEST_POSTGRES")
            ?? throw new ArgumentException("--postgres or TIMEBANK_TEST_POSTGRES: the PostgreSQL to fill");

        var schema = "start_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(postgres))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var scoped = new NpgsqlConnectionStringBuilder(postgres) { SearchPath = schema }.ConnectionString;
        await using (await Storage.Postgres.PostgresGrainStorage.OpenAsync(new Storage.Postgres.PostgresStorageOptions { ConnectionString = scoped }))
        {
            // The migrations lay out the tables exactly as the server expects them.
        }

        var clock = Stopwatch.StartNew();
        await FillAsync(scoped, volunteers, rows);
        output.WriteLine($"start time: filled schema {schema} with {volunteers:N0} volunteers and {rows:N0} journal rows in {clock.Elapsed.TotalSeconds:F0} s");

        var data = Path.Combine(Path.GetTempPath(), "timebank-start", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { server, "--urls", "http://127.0.0.1:5096", "--TimeBank:DataDirectory", data, "--TimeBank:Storage:Provider", "postgres", "--TimeBank:Storage:ConnectionString", scoped },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        clock.Restart();
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
                        output.WriteLine($"start time: SERVING {clock.Elapsed.TotalSeconds:F2} s after the process started (the database holds {volunteers:N0} volunteers, {rows:N0} journal rows)");
                        return 0;
                    }
                }
                catch (Rpc.RpcException)
                {
                    // not listening yet
                }

                await Task.Delay(20);
            }

            output.WriteLine("start time: no SERVING within 5 minutes");
            return 1;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
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
