using System.Diagnostics;
using System.Globalization;
using Npgsql;
using TimeBank.Grains;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Volunteers;
using TimeBank.Runtime;
using TimeBank.Storage;
using TimeBank.Storage.Postgres;
using TimeBank.Storage.Sqlite;

namespace TimeBank.Benchmarks;

/// <summary>
/// Durable deposits per second through the grain host: <c>--callers</c> concurrent callers, each depositing
/// for a random volunteer and awaiting the acknowledgement (durable: committed with fsync) before the next,
/// for <c>--seconds</c>. Run once with group commit and once with one transaction per write
/// (<c>MaxBatchSize = 1</c>), on SQLite and, when a connection string is given, on PostgreSQL.
/// Every run ends by checking that the balances add up to what was acknowledged.
/// </summary>
/// <remarks>Not BenchmarkDotNet: a throughput figure over seconds of real I/O, not a nanosecond-scale loop.</remarks>
internal static class DurableDeposits
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var seconds = IntOption(args, "--seconds", 10);
        var callers = IntOption(args, "--callers", 64);
        var volunteers = IntOption(args, "--volunteers", 1_000);
        var postgres = StringOption(args, "--postgres") ?? Environment.GetEnvironmentVariable("TIMEBANK_TEST_POSTGRES");
        var providers = (StringOption(args, "--providers") ?? "sqlite,postgres").Split(',');
        var window = TimeSpan.FromMilliseconds(IntOption(args, "--window-ms", 0));

        output.WriteLine($"durable deposits: {callers} callers, {volunteers} volunteers, {seconds} s per run, batch window {window.TotalMilliseconds} ms, {Environment.ProcessorCount} cores");
        foreach (var provider in providers)
        {
            if (provider == "postgres" && string.IsNullOrEmpty(postgres))
            {
                output.WriteLine("postgres: skipped (no --postgres and no TIMEBANK_TEST_POSTGRES)");
                continue;
            }

            var batched = await MeasureAsync(provider, postgres, maxBatchSize: 256, window, callers, volunteers, seconds);
            output.WriteLine(batched.Describe(provider, "group commit"));
            if (args.Contains("--group-commit-only", StringComparer.Ordinal))
            {
                continue;
            }

            var single = await MeasureAsync(provider, postgres, maxBatchSize: 1, TimeSpan.Zero, callers, volunteers, seconds);
            output.WriteLine(single.Describe(provider, "one transaction per write"));
            output.WriteLine($"{provider}: group commit / one transaction per write = {batched.PerSecond / single.PerSecond:F2}x");
        }

        return 0;
    }

    /// <summary>The one calling key of the run: request ids are unique per key.</summary>
    private const string CallerKeyId = "loadgen";

    private static async Task<Result> MeasureAsync(string provider, string? postgres, int maxBatchSize, TimeSpan window, int callers, int volunteers, int seconds)
    {
        await using var storage = await OpenAsync(provider, postgres, maxBatchSize, window);
        await using var host = new GrainHost(storage, new GrainHostOptions { CollectionQuantum = TimeSpan.Zero })
            .AddTimeBankGrains(new TimeBankGrainOptions { PointsPerHour = 10 });
        await host.GetGrain<ICommunityGrain>("riverside").CreateCommunityAsync(new CreateCommunity(new RequestKey(CallerKeyId, "create-riverside"), "Riverside", Policy: null));
        for (var v = 0; v < volunteers; v++)
        {
            await host.GetGrain<IVolunteerGrain>($"v{v}").RegisterVolunteerAsync(new RegisterVolunteer(new RequestKey(CallerKeyId, $"register-{v}"), $"Volunteer {v}", "riverside"));
        }

        // Two seconds of warm-up (JIT, connection pools, caches), then the measured window.
        var warm = await RunCallersAsync(host, callers, volunteers, TimeSpan.FromSeconds(2), "warm");
        var clock = Stopwatch.StartNew();
        var run = await RunCallersAsync(host, callers, volunteers, TimeSpan.FromSeconds(seconds), "run");
        var elapsed = clock.Elapsed;

        // The figure counts only what was durably acknowledged; prove the books agree before reporting it.
        long held = 0;
        for (var v = 0; v < volunteers; v++)
        {
            held += (await host.GetGrain<IVolunteerGrain>($"v{v}").GetBalanceAsync()).Value!.HoursMinutes;
        }

        if (held != warm.Minutes + run.Minutes)
        {
            throw new InvalidOperationException($"Balances hold {held} minutes but {warm.Minutes + run.Minutes} were acknowledged.");
        }

        run.Latencies.Sort();
        return new Result(run.Count, elapsed, run.Latencies[run.Latencies.Count / 2], run.Latencies[(int)(run.Latencies.Count * 0.99)]);
    }

    private static async Task<(long Count, long Minutes, List<double> Latencies)> RunCallersAsync(
        GrainHost host, int callers, int volunteers, TimeSpan duration, string tag)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perCaller = await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            var latencies = new List<double>(4096);
            long count = 0, minutes = 0;
            while (Stopwatch.GetTimestamp() < until)
            {
                var grain = host.GetGrain<IVolunteerGrain>($"v{random.Next(volunteers)}");
                var amount = 1 + random.Next(120);
                var started = Stopwatch.GetTimestamp();
                var result = await grain.DepositHoursAsync(new DepositHours(new RequestKey(CallerKeyId, $"{tag}-{c}-{count}"), "act", amount));
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"Deposit refused: {result.Failure}");
                }

                count++;
                minutes += amount;
            }

            return (count, minutes, latencies);
        })));

        return (perCaller.Sum(p => p.count), perCaller.Sum(p => p.minutes), perCaller.SelectMany(p => p.latencies).ToList());
    }

    private static async Task<IGrainStorage> OpenAsync(string provider, string? postgres, int maxBatchSize, TimeSpan window)
    {
        switch (provider)
        {
            case "memory":
                return new TimeBank.Storage.InMemory.InMemoryGrainStorage(); // the grain path alone: no I/O
            case "sqlite":
                var path = Path.Combine(Path.GetTempPath(), "timebank-bench", Guid.NewGuid().ToString("N"), "timebank.db");
                return await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = path, MaxBatchSize = maxBatchSize, BatchWindow = window });
            case "postgres":
                var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
                await using (var connection = new NpgsqlConnection(postgres))
                {
                    await connection.OpenAsync();
                    await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
                    await create.ExecuteNonQueryAsync();
                }

                var connectionString = new NpgsqlConnectionStringBuilder(postgres) { SearchPath = schema }.ConnectionString;
                return await PostgresGrainStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = connectionString, MaxBatchSize = maxBatchSize, BatchWindow = window });
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "Use memory, sqlite or postgres.");
        }
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var value = StringOption(args, name);
        return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
    }

    private static string? StringOption(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private sealed record Result(long Deposits, TimeSpan Elapsed, double P50Ms, double P99Ms)
    {
        public double PerSecond => Deposits / Elapsed.TotalSeconds;

        public string Describe(string provider, string mode)
            => $"{provider}, {mode}: {Deposits} deposits in {Elapsed.TotalSeconds:F1} s = {PerSecond:F0} deposits/s (latency p50 {P50Ms:F2} ms, p99 {P99Ms:F2} ms)";
    }
}
