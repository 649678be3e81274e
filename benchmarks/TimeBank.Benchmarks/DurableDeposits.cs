using System.Diagnostics;
using System.Globalization;
using Npgsql;
using TimeBank.Grains;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Funds;
using TimeBank.Grains.Stores;
using TimeBank.Grains.Volunteers;
using TimeBank.Ledger;
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
/// <c>--operations transfers</c> (or <c>deposits,transfers</c>, measured one after the other in the same run)
/// does the same with one-minute hour transfers between random pairs of volunteers seeded with a day each:
/// three durable writes and two request-id reads per transfer, across two grains. <c>--operations redemptions</c>
/// sells three-item baskets (one point each) at <c>--stores</c> charity stores (default 16) to random volunteers
/// seeded with points: five durable writes across the store, the volunteer and the day's receipt book.
/// <c>--operations donations</c> donates 1-1,000 to random funds among <c>--funds</c> (default 16), each a new
/// request id and payment reference: one durable write on the fund; the funds' donated totals must equal what was
/// acknowledged.
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
        var operations = (StringOption(args, "--operations") ?? "deposits").Split(',');
        if (operations.Except(["deposits", "transfers", "redemptions", "donations"]).FirstOrDefault() is { } unknown)
        {
            output.WriteLine($"--operations takes deposits, transfers, redemptions, donations or several (comma-separated); got '{unknown}'.");
            return 2;
        }

        s_stores = IntOption(args, "--stores", 16);
        s_funds = IntOption(args, "--funds", 16);

        output.WriteLine($"durable deposits: {callers} callers, {volunteers} volunteers, {seconds} s per run, batch window {window.TotalMilliseconds} ms, {Environment.ProcessorCount} cores");
        foreach (var provider in providers)
        {
            if (provider == "postgres" && string.IsNullOrEmpty(postgres))
            {
                output.WriteLine("postgres: skipped (no --postgres and no TIMEBANK_TEST_POSTGRES)");
                continue;
            }

            foreach (var operation in operations)
            {
                var batched = await MeasureAsync(provider, postgres, maxBatchSize: 256, window, callers, volunteers, seconds, operation);
                output.WriteLine(batched.Describe(provider, "group commit", operation));
                if (args.Contains("--group-commit-only", StringComparer.Ordinal))
                {
                    continue;
                }

                var single = await MeasureAsync(provider, postgres, maxBatchSize: 1, TimeSpan.Zero, callers, volunteers, seconds, operation);
                output.WriteLine(single.Describe(provider, "one transaction per write", operation));
                output.WriteLine($"{provider} {operation}: group commit / one transaction per write = {batched.PerSecond / single.PerSecond:F2}x");
            }
        }

        return 0;
    }

    /// <summary>The one calling key of the run: request ids are unique per key.</summary>
    private const string CallerKeyId = "loadgen";

    /// <summary>What one caller does once: a deposit (answers the minutes credited) or a transfer (answers 0: it moves hours, creates none).</summary>
    private delegate Task<long> Operation(GrainHost host, Random random, RequestKey request);

    private static async Task<Result> MeasureAsync(
        string provider, string? postgres, int maxBatchSize, TimeSpan window, int callers, int volunteers, int seconds, string operationName)
    {
        await using var storage = await OpenAsync(provider, postgres, maxBatchSize, window);
        await using var host = new GrainHost(storage, new GrainHostOptions { CollectionQuantum = TimeSpan.Zero })
            .AddTimeBankGrains(new TimeBankGrainOptions { PointsPerHour = 10, EndedRecordRetention = TimeSpan.Zero });
        await host.GetGrain<ICommunityGrain>("riverside").CreateCommunityAsync(new CreateCommunity(new RequestKey(CallerKeyId, "create-riverside"), "Riverside", Policy: null));
        for (var v = 0; v < volunteers; v++)
        {
            await host.GetGrain<IVolunteerGrain>($"v{v}").RegisterVolunteerAsync(new RegisterVolunteer(new RequestKey(CallerKeyId, $"register-{v}"), $"Volunteer {v}", "riverside"));
        }

        long seeded = 0;
        Operation operation;
        if (operationName == "redemptions")
        {
            // Eight days of service each (1,920 points at 10 an hour), spent three points a sale; stock for every sale.
            for (var v = 0; v < volunteers; v++)
            {
                for (var day = 0; day < 8; day++)
                {
                    await host.GetGrain<IVolunteerGrain>($"v{v}").DepositHoursAsync(new DepositHours(new RequestKey(CallerKeyId, $"seed-{v}-{day}"), "seed", Amounts.MaxMinutesPerDeposit));
                    seeded += Amounts.MaxMinutesPerDeposit;
                }
            }

            for (var s = 0; s < s_stores; s++)
            {
                var store = host.GetGrain<IStoreGrain>($"s{s}");
                await store.OpenStoreAsync(new OpenStore(new RequestKey(CallerKeyId, $"open-{s}"), "riverside", $"Store {s}", []));
                foreach (var item in Basket)
                {
                    await store.UpsertItemAsync(new UpsertItem(new RequestKey(CallerKeyId, $"item-{s}-{item.ItemId}"), item.ItemId, item.ItemId, 1, Active: true));
                    await store.RestockAsync(new Restock(new RequestKey(CallerKeyId, $"stock-{s}-{item.ItemId}"), item.ItemId, StoreGrain.MaxStockUnits, StockSource.Donated, "Bench donor"));
                }
            }

            operation = (h, random, request) => RedeemAsync(h, random, request, volunteers);
        }
        else if (operationName == "donations")
        {
            for (var f = 0; f < s_funds; f++)
            {
                var created = await host.GetGrain<IFundGrain>($"f{f}").CreateFundAsync(new CreateFund(
                    new RequestKey(CallerKeyId, $"fund-{f}"), "riverside", FundKind.Community, $"Fund {f}", "", ["food", "rent"], ["m1", "m2", "m3"], Quorum: 2));
                if (!created.Succeeded)
                {
                    throw new InvalidOperationException($"Fund not created: {created.Failure}");
                }
            }

            operation = DonateAsync;
        }
        else if (operationName == "transfers")
        {
            // A day of hours each to give away, one minute at a time between random pairs.
            for (var v = 0; v < volunteers; v++)
            {
                await host.GetGrain<IVolunteerGrain>($"v{v}").DepositHoursAsync(new DepositHours(new RequestKey(CallerKeyId, $"seed-{v}"), "seed", Amounts.MaxMinutesPerDeposit));
                seeded += Amounts.MaxMinutesPerDeposit;
            }

            operation = (h, random, request) => TransferAsync(h, random, request, volunteers);
        }
        else
        {
            operation = (h, random, request) => DepositAsync(h, random, request, volunteers);
        }

        // Two seconds of warm-up (JIT, connection pools, caches), then the measured window.
        var warm = await RunCallersAsync(host, callers, operation, TimeSpan.FromSeconds(2), "warm");
        Interlocked.Exchange(ref s_abortedAnswers, 0);
        var clock = Stopwatch.StartNew();
        var run = await RunCallersAsync(host, callers, operation, TimeSpan.FromSeconds(seconds), "run");
        var elapsed = clock.Elapsed;

        // The figure counts only what was durably acknowledged; prove the books agree before reporting it.
        if (operationName == "donations")
        {
            // The operation answers the amount donated: the funds must hold what was acknowledged, no more, no less.
            long donated = 0;
            for (var f = 0; f < s_funds; f++)
            {
                donated += (await host.GetGrain<IFundGrain>($"f{f}").GetFundAsync()).Value!.Balances.Donated;
            }

            if (donated != warm.Minutes + run.Minutes)
            {
                throw new InvalidOperationException($"The funds hold {donated} donated but {warm.Minutes + run.Minutes} were acknowledged.");
            }
        }
        else
        {
            long held = 0;
            for (var v = 0; v < volunteers; v++)
            {
                held += (await host.GetGrain<IVolunteerGrain>($"v{v}").GetBalanceAsync()).Value!.HoursMinutes;
            }

            if (held != seeded + warm.Minutes + run.Minutes)
            {
                throw new InvalidOperationException($"Balances hold {held} minutes but {seeded + warm.Minutes + run.Minutes} were acknowledged.");
            }
        }

        if (operationName == "redemptions")
        {
            long points = 0, sold = 0;
            for (var v = 0; v < volunteers; v++)
            {
                points += (await host.GetGrain<IVolunteerGrain>($"v{v}").GetBalanceAsync()).Value!.Points;
            }

            for (var s = 0; s < s_stores; s++)
            {
                sold += (await host.GetGrain<IStoreGrain>($"s{s}").GetCatalogAsync()).Value!.Items.Sum(i => StoreGrain.MaxStockUnits - i.Stock);
            }

            var acknowledged = 3 * (warm.Count + run.Count);
            if (sold != acknowledged || points != (seeded / 6) - acknowledged)
            {
                throw new InvalidOperationException($"{acknowledged} units and points were acknowledged, but {sold} units left stock and volunteers hold {points} of {seeded / 6} points.");
            }
        }

        run.Latencies.Sort();
        return new Result(run.Count, elapsed, run.Latencies[run.Latencies.Count / 2], run.Latencies[(int)(run.Latencies.Count * 0.99)])
        {
            AbortedRetries = Interlocked.Read(ref s_abortedAnswers),
            MaxMs = run.Latencies[^1],
        };
    }

    private static async Task<(long Count, long Minutes, List<double> Latencies)> RunCallersAsync(
        GrainHost host, int callers, Operation operation, TimeSpan duration, string tag)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perCaller = await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            var latencies = new List<double>(4096);
            long count = 0, minutes = 0;
            while (Stopwatch.GetTimestamp() < until)
            {
                var started = Stopwatch.GetTimestamp();
                minutes += await operation(host, random, new RequestKey(CallerKeyId, $"{tag}-{c}-{count}"));
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                count++;
            }

            return (count, minutes, latencies);
        })));

        return (perCaller.Sum(p => p.count), perCaller.Sum(p => p.minutes), perCaller.SelectMany(p => p.latencies).ToList());
    }

    private static async Task<long> DepositAsync(GrainHost host, Random random, RequestKey request, int volunteers)
    {
        var amount = 1 + random.Next(120);
        var result = await host.GetGrain<IVolunteerGrain>($"v{random.Next(volunteers)}").DepositHoursAsync(new DepositHours(request, "act", amount));
        return result.Succeeded ? amount : throw new InvalidOperationException($"Deposit refused: {result.Failure}");
    }

    private static readonly BasketLine[] Basket = [new("rice", 1), new("oil", 1), new("soap", 1)];

    private static int s_stores = 16;

    private static async Task<long> RedeemAsync(GrainHost host, Random random, RequestKey request, int volunteers)
    {
        var command = new Redeem(request, $"v{random.Next(volunteers)}", Basket, TotalPoints: 3);
        var store = host.GetGrain<IStoreGrain>($"s{random.Next(s_stores)}");
        while (true)
        {
            var result = await store.RedeemAsync(command);
            if (result.Succeeded)
            {
                return 0;
            }

            if (result.Failure.Reason.Status != Rpc.StatusCode.Aborted)
            {
                throw new InvalidOperationException($"Sale refused: {result.Failure}");
            }

            Interlocked.Increment(ref s_abortedAnswers);
        }
    }

    private static int s_funds = 16;

    /// <summary>A donation of 1-1,000 (earmarked to food half the time) to a random fund, with a fresh request id and payment reference: one durable write.</summary>
    private static async Task<long> DonateAsync(GrainHost host, Random random, RequestKey request)
    {
        var amount = 1 + random.Next(1_000);
        var command = new Donate(request, "Bench donor", amount, "", random.Next(2) == 0 ? "food" : "", request.RequestId);
        var result = await host.GetGrain<IFundGrain>($"f{random.Next(s_funds)}").DonateAsync(command);
        return result.Succeeded ? amount : throw new InvalidOperationException($"Donation refused: {result.Failure}");
    }

    /// <summary>ABORTED answers retried during the current run (a transfer meeting one the other way).</summary>
    private static long s_abortedAnswers;

    private static async Task<long> TransferAsync(GrainHost host, Random random, RequestKey request, int volunteers)
    {
        var payer = random.Next(volunteers);
        var payee = (payer + 1 + random.Next(volunteers - 1)) % volunteers;
        var command = new TransferHours(request, $"v{payee}", 1, TransferCode.Gift);
        while (true)
        {
            // ABORTED (a transfer the other way between the same two at that instant) is retried with the same
            // request id, as a client would; the latency counts until the answer is final.
            var result = await host.GetGrain<IVolunteerGrain>($"v{payer}").TransferHoursAsync(command);
            if (result.Succeeded)
            {
                return 0;
            }

            if (result.Failure.Reason.Status != Rpc.StatusCode.Aborted)
            {
                throw new InvalidOperationException($"Transfer refused: {result.Failure}");
            }

            Interlocked.Increment(ref s_abortedAnswers);
        }
    }

    internal static async Task<IGrainStorage> OpenAsync(string provider, string? postgres, int maxBatchSize, TimeSpan window)
    {
        switch (provider)
        {
            case "memory":
                return new TimeBank.Storage.InMemory.InMemoryGrainStorage(); // the grain path alone: no I/O
            case "sqlite":
                var path = Path.Combine(Path.GetTempPath(), "timebank-bench", Guid.NewGuid().ToString("N"), "timebank.db");
                return await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = path, MaxBatchSize = maxBatchSize, BatchWindow = window });
            case "postgres":
                var connectionString = await FreshSchema.CreateAsync(postgres, "bench");
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

    private sealed record Result(long Operations, TimeSpan Elapsed, double P50Ms, double P99Ms)
    {
        public long AbortedRetries { get; init; }

        public double MaxMs { get; init; }

        public double PerSecond => Operations / Elapsed.TotalSeconds;

        public string Describe(string provider, string mode, string operation)
            => $"{provider}, {mode}: {Operations} {operation} in {Elapsed.TotalSeconds:F1} s = {PerSecond:F0} {operation}/s (latency p50 {P50Ms:F2} ms, p99 {P99Ms:F2} ms, max {MaxMs:F0} ms{(AbortedRetries > 0 ? $"; {AbortedRetries} ABORTED answers retried" : "")})";
    }
}
