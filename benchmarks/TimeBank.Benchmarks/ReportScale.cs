using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using TimeBank.Grains;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Reports;
using TimeBank.Grains.Volunteers;
using TimeBank.Ledger;
using TimeBank.Runtime;
using TimeBank.Storage;
using TimeBank.Storage.Postgres;
using TimeBank.Storage.Sqlite;

namespace TimeBank.Benchmarks;

/// <summary>
/// Reports at a pilot's size (issue 12): a generator fills a fresh database with one community of
/// <c>--volunteers</c> volunteers (their grain states), <c>--activities</c> activities (their
/// <c>activities.held</c> tallies only, no activity grain states) and <c>--journal-rows</c> journal rows (two a
/// deposit, hours and points, spread over the last 18 months across the default categories, hash-chained per
/// volunteer), with the tallies and standings those rows imply by the grains' own rules (<see cref="Figures"/>,
/// <see cref="Periods"/>, what <c>VolunteerGrain.Report</c> counts for a deposit), aggregated in memory and
/// bulk-inserted (binary COPY on PostgreSQL, one transaction of prepared statements on SQLite). Then a grain host
/// starts on it and the report grain is called in-process (no gRPC: the wire adds the same fraction of a
/// millisecond at any size): GetTotals for this year and for all time, GetLeaderboard this month, this year and
/// all time, top 10 and top 100, for the community and for every community; p50 / p99 / max of
/// <c>--calls</c> sequential calls after a warm-up. <c>--deposit-seconds N</c> then times durable deposits into
/// the filled database as <c>--durable</c> does into a fresh one (64 callers, 1,000 active volunteers), for
/// comparing the two. Each filled database is dropped once measured.
/// </summary>
/// <remarks>
/// <c>--report-scale [--providers sqlite,postgres] [--volunteers 50000] [--activities 20000]
/// [--journal-rows 1000000] [--calls 200] [--deposit-seconds 0] [--postgres CS]</c>. Not filled: the requests
/// table (a real deposit also records its request id there) and activity grain states.
/// </remarks>
internal static class ReportScale
{
    private const string Community = "riverside";

    private const long PointsPerHour = 10;

    private static readonly string[] Categories = [.. CommunityPolicies.DefaultCategories];

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var volunteers = IntOption(args, "--volunteers", 50_000);
        var activities = IntOption(args, "--activities", 20_000);
        var rows = IntOption(args, "--journal-rows", 1_000_000);
        var calls = IntOption(args, "--calls", 200);
        var depositSeconds = IntOption(args, "--deposit-seconds", 0);
        var providers = (Option(args, "--providers") ?? "sqlite,postgres").Split(',');
        var postgres = Option(args, "--postgres") ?? Environment.GetEnvironmentVariable("TIMEBANK_TEST_POSTGRES");

        var clock = Stopwatch.StartNew();
        var books = Books.Generate(volunteers, activities, rows / 2, DateTimeOffset.UtcNow);
        output.WriteLine($"report scale: generated {books.Deposits.Length * 2:N0} journal rows ({books.Deposits.Length:N0} deposits), "
            + $"{books.Tallies.Count:N0} tallies, {books.Standings.Count:N0} standings for {volunteers:N0} volunteers and {activities:N0} activities "
            + $"in {clock.Elapsed.TotalSeconds:F0} s; {Environment.ProcessorCount} cores, load average {LoadAverage()}");

        foreach (var provider in providers)
        {
            if (provider == "postgres" && string.IsNullOrEmpty(postgres))
            {
                output.WriteLine("postgres: skipped (no --postgres and no TIMEBANK_TEST_POSTGRES)");
                continue;
            }

            var (storage, location) = await FreshAsync(provider, postgres, books, output);
            try
            {
                await MeasureAsync(provider, storage, books, calls, output);
                if (depositSeconds > 0)
                {
                    await DepositAsync(provider, storage, volunteers, depositSeconds, output);
                }
            }
            finally
            {
                await storage.DisposeAsync();
                await DropAsync(provider, postgres, location);
            }
        }

        return 0;
    }

    /// <summary>A fresh database of <paramref name="provider"/> with the community created by its grain and the rest bulk-inserted; answers it and where it is.</summary>
    private static async Task<(IGrainStorage Storage, string Location)> FreshAsync(string provider, string? postgres, Books books, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        string location;
        if (provider == "sqlite")
        {
            location = Path.Combine(Path.GetTempPath(), "timebank-bench", Guid.NewGuid().ToString("N"), "timebank.db");
            await using (var storage = await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = location }))
            {
                books.PolicyVersion = await CreateCommunityAsync(storage);
            }

            await FillSqliteAsync(location, books);
        }
        else
        {
            location = await FreshSchema.CreateAsync(postgres, "reports");
            await using (var storage = await PostgresGrainStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = location }))
            {
                books.PolicyVersion = await CreateCommunityAsync(storage);
            }

            await FillPostgresAsync(location, books);
        }

        output.WriteLine($"{provider}: filled in {clock.Elapsed.TotalSeconds:F0} s; load average {LoadAverage()}");
        return provider == "sqlite"
            ? (await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = location }), location)
            : (await PostgresGrainStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = location }), location);
    }

    /// <summary>A filled database is hundreds of megabytes: gone once measured.</summary>
    private static async Task DropAsync(string provider, string? postgres, string location)
    {
        if (provider == "sqlite")
        {
            Directory.Delete(Path.GetDirectoryName(location)!, recursive: true);
            return;
        }

        await using var admin = new NpgsqlConnection(postgres);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA {new NpgsqlConnectionStringBuilder(location).SearchPath} CASCADE", admin);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>The community through its grain (its state and policy as the server makes them); answers the policy version deposits carry.</summary>
    private static async Task<long> CreateCommunityAsync(IGrainStorage storage)
    {
        await using var host = Host(storage);
        var created = await host.GetGrain<ICommunityGrain>(Community).CreateCommunityAsync(new CreateCommunity(new RequestKey("loadgen", "create"), "Riverside", Policy: null));
        return created.Succeeded ? (await host.GetGrain<ICommunityGrain>(Community).GetPolicyAsync()).Value!.Version
            : throw new InvalidOperationException($"Community not created: {created.Failure}");
    }

    private static GrainHost Host(IGrainStorage storage)
        => new GrainHost(storage, new GrainHostOptions { CollectionQuantum = TimeSpan.Zero })
            .AddTimeBankGrains(new TimeBankGrainOptions { PointsPerHour = PointsPerHour, EndedRecordRetention = TimeSpan.Zero });

    private static async Task MeasureAsync(string provider, IGrainStorage storage, Books books, int calls, TextWriter output)
    {
        await using var host = Host(storage);
        var community = host.GetGrain<IReportGrain>(Community);

        // The generator and the grains must agree before any figure means anything.
        var all = (await community.GetTotalsAsync(new GetTotals("", ""))).Value!.Total;
        var top = (await community.GetLeaderboardAsync(new GetLeaderboard(LeaderboardPeriod.AllTime, 1))).Value!.Entries[0];
        if (all.MinutesCredited != books.Minutes || all.ActivitiesHeld != books.ActivitiesHeld || all.VolunteersRegisteredTotal != books.Volunteers.Length
            || top.Minutes != books.TopMinutes)
        {
            throw new InvalidOperationException($"{provider}: the reports read {all.MinutesCredited} minutes, {all.ActivitiesHeld} activities, {all.VolunteersRegisteredTotal} volunteers, "
                + $"top {top.Minutes}; generated {books.Minutes}, {books.ActivitiesHeld}, {books.Volunteers.Length}, top {books.TopMinutes}.");
        }

        output.WriteLine($"{provider}: reports agree with the generator ({all.MinutesCredited:N0} minutes, {all.ActiveVolunteers:N0} active volunteers, top all-time {top.Minutes:N0} minutes)");
        var year = Periods.Year(DateTimeOffset.UtcNow);
        foreach (var key in new[] { Community, IReportGrain.EveryCommunity })
        {
            var report = host.GetGrain<IReportGrain>(key);
            var scope = key == Community ? "community" : "every community";
            (string Name, Func<Task> Call)[] queries =
            [
                ($"GetTotals {year}", () => Check(report.GetTotalsAsync(new GetTotals($"{year}-01", $"{year}-12")))),
                ("GetTotals all time", () => Check(report.GetTotalsAsync(new GetTotals("", "")))),
                .. new[] { LeaderboardPeriod.ThisMonth, LeaderboardPeriod.ThisYear, LeaderboardPeriod.AllTime }.SelectMany(period => new[] { 10, 100 }.Select(n =>
                    ($"GetLeaderboard {period} top {n}", (Func<Task>)(() => Check(report.GetLeaderboardAsync(new GetLeaderboard(period, n))))))),
            ];
            foreach (var (name, call) in queries)
            {
                // A tenth as many calls to warm up: JIT, prepared statements, the volunteers whose names are shown.
                for (var i = 0; i < Math.Max(10, calls / 10); i++)
                {
                    await call();
                }

                var latencies = new double[calls];
                for (var i = 0; i < calls; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    await call();
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }

                Array.Sort(latencies);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {provider} | {scope} | {name} | {latencies[calls / 2]:F2} | {latencies[Math.Min(calls - 1, (int)(calls * 0.99))]:F2} | {latencies[^1]:F2} |"));
            }
        }

        output.WriteLine($"{provider}: load average {LoadAverage()}");
    }

    private static async Task Check<T>(Task<Result<T>> call)
        where T : class
    {
        var result = await call;
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Report refused: {result.Failure}");
        }
    }

    /// <summary>
    /// Durable deposits into the filled database as <c>--durable</c> makes them into a fresh one (64 callers, 1,000
    /// volunteers, active before the clock starts, spread over all of them): what differs is the size of the tables
    /// and indexes written, not first activations (which deposits to random ones of 50,000 volunteers mostly are).
    /// </summary>
    private static async Task DepositAsync(string provider, IGrainStorage storage, int volunteers, int seconds, TextWriter output)
    {
        await using var host = Host(storage);
        var stride = Math.Max(1, volunteers / 1_000);
        var ids = Enumerable.Range(0, Math.Min(volunteers, 1_000)).Select(i => Books.VolunteerId(i * stride)).ToArray();
        foreach (var id in ids)
        {
            await host.GetGrain<IVolunteerGrain>(id).GetBalanceAsync();
        }

        var rounds = new[] { ("warm", 2), ("run", seconds) };
        foreach (var (tag, length) in rounds)
        {
            var until = Stopwatch.GetTimestamp() + (length * Stopwatch.Frequency);
            var started = Stopwatch.GetTimestamp();
            var perCaller = await Task.WhenAll(Enumerable.Range(0, 64).Select(c => Task.Run(async () =>
            {
                var random = new Random(c);
                var latencies = new List<double>();
                while (Stopwatch.GetTimestamp() < until)
                {
                    var at = Stopwatch.GetTimestamp();
                    var deposit = new DepositHours(new RequestKey("loadgen", $"{tag}-{c}-{latencies.Count}"), "act", 1 + random.Next(120), Categories[random.Next(Categories.Length)]);
                    var result = await host.GetGrain<IVolunteerGrain>(ids[random.Next(ids.Length)]).DepositHoursAsync(deposit);
                    if (!result.Succeeded)
                    {
                        throw new InvalidOperationException($"Deposit refused: {result.Failure}");
                    }

                    latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                }

                return latencies;
            })));
            if (tag == "run")
            {
                var all = perCaller.SelectMany(l => l).Order().ToList();
                var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{provider}, filled database: {all.Count} deposits in {elapsed:F1} s = {all.Count / elapsed:F0} deposits/s (latency p50 {all[all.Count / 2]:F2} ms, p99 {all[(int)(all.Count * 0.99)]:F2} ms); load average {LoadAverage()}"));
            }
        }
    }

    private static async Task FillSqliteAsync(string path, Books books)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await using (var journal = Prepared(connection, transaction, "INSERT INTO journal (grain_id, " + SqliteJournalColumnsList + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)", 21))
        {
            foreach (var (grain, row) in books.JournalRows())
            {
                Bind(journal, grain, row.Sequence, row.RequestId, row.Leg, row.Ledger, row.DebitAccount, row.CreditAccount, row.Amount, row.Code, row.Reference,
                    row.BalanceAfter, UnixMicroseconds.From(row.RecordedAt), row.RequestHash.ToArray(), row.ActorKeyId, row.Kind, row.PendingId, DBNull.Value, row.Category,
                    row.Memo, row.PolicyVersion, row.ChainHash.ToArray());
                await journal.ExecuteNonQueryAsync();
            }
        }

        // After the journal: a state records its chain's head.
        await using (var state = Prepared(connection, transaction,
            "INSERT INTO grain_state (grain_id, version, payload, updated_at, rank_scope, rank_member, rank_month, rank_month_amount, rank_year, rank_year_amount, rank_all_amount) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", 11))
        {
            foreach (var v in books.Volunteers)
            {
                var r = books.RankOf(v);
                Bind(state, v.GrainId, 1L + v.Deposits, v.Payload, UnixMicroseconds.From(v.UpdatedAt), r.Scope, r.Member, r.Month, r.MonthAmount, r.Year, r.YearAmount, r.AllAmount);
                await state.ExecuteNonQueryAsync();
            }
        }

        await using (var tallies = Prepared(connection, transaction, "INSERT INTO tallies (scope, period, name, key, amount) VALUES ($1, $2, $3, $4, $5)", 5))
        {
            foreach (var ((scope, period, name, key), amount) in books.Tallies)
            {
                Bind(tallies, scope, period, name, key, amount);
                await tallies.ExecuteNonQueryAsync();
            }
        }

        await using (var marks = Prepared(connection, transaction, "INSERT INTO marks (scope, period, member) VALUES ($1, $2, $3)", 3))
        {
            foreach (var ((scope, period, member), _) in books.Standings.Where(s => s.Value.Events > 0))
            {
                Bind(marks, scope, period, member);
                await marks.ExecuteNonQueryAsync();
            }
        }

        await transaction.CommitAsync();
    }

    private const string SqliteJournalColumnsList =
        "sequence, request_id, leg, ledger, debit_account, credit_account, amount, code, reference, balance_after, recorded_at, request_hash, actor_key_id, "
        + "kind, pending_id, timeout_at, category, memo, policy_version, chain_hash";

    private static SqliteCommand Prepared(SqliteConnection connection, SqliteTransaction transaction, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 1; i <= parameters; i++)
        {
            command.Parameters.Add(new SqliteParameter($"${i}", null));
        }

        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }

    private static async Task FillPostgresAsync(string connectionString, Books books)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var journal = await connection.BeginBinaryImportAsync($"COPY journal (grain_id, {SqliteJournalColumnsList}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (grain, row) in books.JournalRows())
            {
                await journal.StartRowAsync();
                await journal.WriteAsync(grain, NpgsqlDbType.Text);
                await journal.WriteAsync(row.Sequence, NpgsqlDbType.Bigint);
                await journal.WriteAsync(row.RequestId, NpgsqlDbType.Text);
                await journal.WriteAsync(row.Leg, NpgsqlDbType.Integer);
                await journal.WriteAsync(row.Ledger, NpgsqlDbType.Integer);
                await journal.WriteAsync(row.DebitAccount, NpgsqlDbType.Text);
                await journal.WriteAsync(row.CreditAccount, NpgsqlDbType.Text);
                await journal.WriteAsync(row.Amount, NpgsqlDbType.Bigint);
                await journal.WriteAsync(row.Code, NpgsqlDbType.Integer);
                await journal.WriteAsync(row.Reference, NpgsqlDbType.Text);
                await journal.WriteAsync(row.BalanceAfter, NpgsqlDbType.Bigint);
                await journal.WriteAsync(row.RecordedAt, NpgsqlDbType.TimestampTz);
                await journal.WriteAsync(row.RequestHash.ToArray(), NpgsqlDbType.Bytea);
                await journal.WriteAsync(row.ActorKeyId, NpgsqlDbType.Text);
                await journal.WriteAsync(row.Kind, NpgsqlDbType.Integer);
                await journal.WriteAsync(row.PendingId, NpgsqlDbType.Text);
                await journal.WriteNullAsync();
                await journal.WriteAsync(row.Category, NpgsqlDbType.Text);
                await journal.WriteAsync(row.Memo, NpgsqlDbType.Text);
                await journal.WriteAsync(row.PolicyVersion, NpgsqlDbType.Bigint);
                await journal.WriteAsync(row.ChainHash.ToArray(), NpgsqlDbType.Bytea);
            }

            await journal.CompleteAsync();
        }

        // After the journal: a state records its chain's head.
        await using (var state = await connection.BeginBinaryImportAsync(
            "COPY grain_state (grain_id, version, payload, updated_at, rank_scope, rank_member, rank_month, rank_month_amount, rank_year, rank_year_amount, rank_all_amount) "
            + "FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var v in books.Volunteers)
            {
                var r = books.RankOf(v);
                await state.WriteRowAsync(default, v.GrainId, 1L + v.Deposits, v.Payload, v.UpdatedAt, r.Scope, r.Member, r.Month, r.MonthAmount, r.Year, r.YearAmount, r.AllAmount);
            }

            await state.CompleteAsync();
        }

        await using (var tallies = await connection.BeginBinaryImportAsync("COPY tallies (scope, period, name, key, amount) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var ((scope, period, name, key), amount) in books.Tallies)
            {
                await tallies.WriteRowAsync(default, scope, period, name, key, amount);
            }

            await tallies.CompleteAsync();
        }

        await using (var marks = await connection.BeginBinaryImportAsync("COPY marks (scope, period, member) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var ((scope, period, member), _) in books.Standings.Where(s => s.Value.Events > 0))
            {
                await marks.WriteRowAsync(default, scope, period, member);
            }

            await marks.CompleteAsync();
        }

        // Autovacuum would get here on its own a while after a bulk load; without it the planner has no
        // statistics and no visibility map, which is not the state a database that grew to this size is in.
        foreach (var table in new[] { "grain_state", "journal", "tallies", "marks" })
        {
            await using var vacuum = new NpgsqlCommand($"VACUUM ANALYZE {table}", connection) { CommandTimeout = 600 };
            await vacuum.ExecuteNonQueryAsync();
        }
    }

    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "n/a";

    private static int IntOption(string[] args, string name, int fallback)
        => Option(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    /// <summary>One deposit as generated: two journal rows (hours, points) on the volunteer's chain.</summary>
    private readonly record struct Deposit(int Volunteer, long AtMicros, int Minutes, int Activity);

    /// <summary>A volunteer's grain state row; its payload is set once its journal rows are chained (it records their head).</summary>
    private sealed class Volunteer(string grainId, long deposits, VolunteerState state, DateTimeOffset updatedAt)
    {
        public string GrainId { get; } = grainId;

        public long Deposits { get; } = deposits;

        public VolunteerState State { get; } = state;

        public DateTimeOffset UpdatedAt { get; } = updatedAt;

        public byte[] Payload { get; set; } = [];
    }

    /// <summary>
    /// The generated books: deposits in (volunteer, time) order, each volunteer's state after them, and the
    /// tallies and standings they imply (what the grains would have written, summed).
    /// </summary>
    private sealed class Books
    {
        public required Deposit[] Deposits { get; init; }

        public required Volunteer[] Volunteers { get; init; }

        public required Dictionary<(string Scope, string Period, string Name, string Key), long> Tallies { get; init; }

        /// <summary>Each volunteer's minutes and services by period (month, year, all time), as the grains would have kept them.</summary>
        public required Dictionary<(string Scope, string Period, string Member), (long Amount, long Events)> Standings { get; init; }

        /// <summary>A volunteer's standing as its state row holds it: this month's, this year's and all time's minutes.</summary>
        public TimeBank.Storage.Reports.Standing RankOf(Volunteer v)
        {
            var member = v.GrainId["volunteer/".Length..];
            var (month, year) = (Periods.Month(DateTimeOffset.UtcNow), Periods.Year(DateTimeOffset.UtcNow));
            long Minutes(string period) => Standings.GetValueOrDefault((Community, period, member)).Amount;
            return new TimeBank.Storage.Reports.Standing(Community, member, month, Minutes(month), year, Minutes(year), Minutes(Periods.AllTime));
        }

        public required DateTimeOffset Start { get; init; }

        public required long SpanMicros { get; init; }

        public required int Activities { get; init; }

        public long Minutes { get; init; }

        public long ActivitiesHeld { get; init; }

        public long TopMinutes { get; init; }

        /// <summary>The community's policy version, which every deposit row records; set once the community exists.</summary>
        public long PolicyVersion { get; set; }

        public static string VolunteerId(int v) => $"v{v:D5}";

        private static readonly byte[] RequestHash = new byte[32];

        /// <summary>
        /// Volunteer <c>v</c> registers in the first half of the window (lower numbers earlier) and is picked with
        /// weight falling with <c>v</c> (a few very active volunteers, a long tail), each deposit 15-240 minutes at
        /// a time uniform between their registration and now, at the activity held at that moment (activities
        /// are spaced evenly over the window, categories in turn).
        /// </summary>
        public static Books Generate(int volunteers, int activities, int deposits, DateTimeOffset now)
        {
            var random = new Random(12);
            var start = now.AddMonths(-18);
            var span = UnixMicroseconds.From(now) - UnixMicroseconds.From(start);
            var startMicros = UnixMicroseconds.From(start);
            long Registered(int v) => startMicros + (span / 2 * v / volunteers);

            var generated = new Deposit[deposits];
            for (var d = 0; d < deposits; d++)
            {
                var v = Math.Min(volunteers - 1, (int)(volunteers * Math.Pow(random.NextDouble(), 1.5)));
                var at = Registered(v) + (long)(random.NextDouble() * (startMicros + span - Registered(v)));
                var activity = (int)Math.Min(activities - 1, (at - startMicros) * activities / span);
                generated[d] = new Deposit(v, at, 15 * (1 + random.Next(16)), activity);
            }

            Array.Sort(generated, (a, b) => a.Volunteer != b.Volunteer ? a.Volunteer.CompareTo(b.Volunteer) : a.AtMicros.CompareTo(b.AtMicros));

            var tallies = new Dictionary<(string, string, string, string), long>();
            var standings = new Dictionary<(string, string, string), (long, long)>();
            void Count(string figure, string period, string key, long amount)
                => tallies[(Community, period, figure, key)] = tallies.GetValueOrDefault((Community, period, figure, key)) + amount;

            for (var a = 0; a < activities; a++)
            {
                Count(Figures.ActivitiesHeld, Periods.Month(UnixMicroseconds.To(startMicros + (span * a / activities))), Categories[a % Categories.Length], 1);
            }

            var states = new Volunteer[volunteers];
            long minutes = 0;
            var next = 0;
            for (var v = 0; v < volunteers; v++)
            {
                var id = VolunteerId(v);
                var registered = UnixMicroseconds.To(Registered(v));
                Count(Figures.VolunteersRegistered, Periods.Month(registered), "", 1);
                var state = new VolunteerState { DisplayName = $"Volunteer {v}", CommunityId = Community, RegisteredAt = registered };
                var first = next;
                while (next < generated.Length && generated[next].Volunteer == v)
                {
                    var deposit = generated[next++];
                    var at = UnixMicroseconds.To(deposit.AtMicros);
                    var category = Categories[deposit.Activity % Categories.Length];
                    state.Hours.CreditsPosted += deposit.Minutes;
                    state.Points.CreditsPosted += Amounts.PointsForMinutes(deposit.Minutes, PointsPerHour);
                    minutes += deposit.Minutes;

                    // What VolunteerGrain.Report and Changes.Count/Rank write for a service deposit.
                    Count(Figures.HoursCredited, Periods.Month(at), category, deposit.Minutes);
                    Count(Figures.PointsIssued, Periods.Month(at), category, Amounts.PointsForMinutes(deposit.Minutes, PointsPerHour));
                    foreach (var period in new[] { Periods.Month(at), Periods.Year(at), Periods.AllTime })
                    {
                        var (amount, events) = standings.GetValueOrDefault((Community, period, id));
                        standings[(Community, period, id)] = (amount + deposit.Minutes, events + 1);
                    }
                }

                states[v] = new Volunteer($"volunteer/{id}", next - first, state, next > first ? UnixMicroseconds.To(generated[next - 1].AtMicros) : registered);
            }

            return new Books
            {
                Deposits = generated, Volunteers = states, Tallies = tallies, Standings = standings, Start = start, SpanMicros = span, Activities = activities,
                Minutes = minutes, ActivitiesHeld = activities,
                TopMinutes = standings.Where(s => s.Key.Item2 == Periods.AllTime).Max(s => s.Value.Item1),
            };
        }

        /// <summary>
        /// The journal rows, volunteer after volunteer, each chained as the grain chains them
        /// (<see cref="JournalChain"/>); each volunteer's state gets its head and is serialized as the grain
        /// host stores it once its rows are done.
        /// </summary>
        public IEnumerable<(string GrainId, JournalEntry Row)> JournalRows()
        {
            var serializer = new JsonGrainStateSerializer();
            var next = 0;
            foreach (var volunteer in Volunteers)
            {
                var id = volunteer.GrainId["volunteer/".Length..];
                var head = JournalChain.Genesis;
                long hours = 0, points = 0, sequence = 0;
                for (var d = 0; d < volunteer.Deposits; d++)
                {
                    var deposit = Deposits[next++];
                    var category = Categories[deposit.Activity % Categories.Length];
                    var reference = $"a{deposit.Activity:D5}";
                    var at = UnixMicroseconds.To(deposit.AtMicros);
                    var earned = Amounts.PointsForMinutes(deposit.Minutes, PointsPerHour);
                    hours += deposit.Minutes;
                    points += earned;
                    var legs = new List<JournalEntry>(2)
                    {
                        Row(++sequence, $"seed-{next}", 0, LedgerKind.Hours, AccountNames.CommunityHoursIssued(Community), AccountNames.VolunteerHours(id), deposit.Minutes, reference, hours, at, category),
                    };
                    if (earned > 0)
                    {
                        legs.Add(Row(++sequence, $"seed-{next}", 1, LedgerKind.Points, AccountNames.CommunityPointsIssued(Community), AccountNames.VolunteerPoints(id), earned, reference, points, at, category));
                    }

                    head = JournalChain.Link(head, volunteer.GrainId, legs);
                    foreach (var leg in legs)
                    {
                        yield return (volunteer.GrainId, leg);
                    }
                }

                volunteer.State.JournalSequence = sequence;
                volunteer.State.JournalHash = sequence > 0 ? head.ToArray() : [];
                volunteer.Payload = serializer.Serialize(volunteer.State);
            }
        }

        private JournalEntry Row(long sequence, string requestId, int leg, LedgerKind ledger, string debit, string credit, long amount, string reference, long balance, DateTimeOffset at, string category)
            => new(sequence, requestId, leg, (int)ledger, debit, credit, amount, (int)TransferCode.Service, reference, balance, at, RequestHash)
            {
                ActorKeyId = "loadgen",
                Kind = (int)TransferKind.Posted,
                Category = category,
                PolicyVersion = PolicyVersion,
            };
    }
}
