using TimeBank.Grains.Communities;
using TimeBank.Runtime;
using TimeBank.Storage;
using TimeBank.Storage.InMemory;
using TimeBank.Storage.Postgres;
using TimeBank.Storage.Sqlite;
using TimeBank.Testing;

namespace TimeBank.Grains.Tests;

/// <summary>A grain host over a real provider, with the TimeBank grains registered. Reopenable, to test restarts.</summary>
public sealed class GrainTestHost : IAsyncDisposable
{
    public static readonly TheoryData<string> Providers = ["memory", "sqlite", "postgres"];

    /// <summary>The communities every test host has, created with the default policy (volunteers register only into one that exists).</summary>
    public static readonly IReadOnlyList<string> Communities = ["riverside", "hillside", "old-town", "c"];

    /// <summary>Each case once per provider: the provider comes first in every row.</summary>
    public static TheoryData<string, T1, T2, T3, T4> OnEveryProvider<T1, T2, T3, T4>(params (T1, T2, T3, T4)[] cases)
    {
        var data = new TheoryData<string, T1, T2, T3, T4>();
        foreach (var provider in Providers)
        {
            foreach (var (a, b, c, d) in cases)
            {
                data.Add(provider, a, b, c, d);
            }
        }

        return data;
    }

    public static TheoryData<string, T> OnEveryProvider<T>(params T[] cases)
    {
        var data = new TheoryData<string, T>();
        foreach (var provider in Providers)
        {
            foreach (var value in cases)
            {
                data.Add(provider, value);
            }
        }

        return data;
    }

    public static TheoryData<string, T1, T2> OnEveryProvider<T1, T2>(params (T1, T2)[] cases)
    {
        var data = new TheoryData<string, T1, T2>();
        foreach (var provider in Providers)
        {
            foreach (var (a, b) in cases)
            {
                data.Add(provider, a, b);
            }
        }

        return data;
    }

    private readonly string _provider;
    private readonly string? _location;
    private readonly TimeProvider? _clock;

    private GrainTestHost(string provider, string? location, IGrainStorage storage, TimeProvider? clock, long pointsPerHour)
    {
        _provider = provider;
        _location = location;
        _clock = clock;
        Storage = storage;
        Host = NewHost(storage, clock, new TimeBankGrainOptions { PointsPerHour = pointsPerHour });
    }

    public IGrainStorage Storage { get; private set; }

    public GrainHost Host { get; private set; }

    /// <param name="lockWait">How long a write waits for a lock held by someone else before it fails (default: the provider's).</param>
    /// <param name="prepare">SQL run on the empty database before the storage opens it (to lay out an older schema).</param>
    /// <param name="clock">The hosts' clock (a <see cref="ManualClock"/> to move time); with one, reminders fire only when <see cref="GrainHost.FireDueRemindersAsync"/> is called.</param>
    public static async Task<GrainTestHost> StartAsync(string provider, long pointsPerHour = 10, TimeSpan? lockWait = null, string? prepare = null, TimeProvider? clock = null)
    {
        var location = provider switch
        {
            "sqlite" => TestEnvironment.NewSqliteFile(),
            "postgres" => await TestPostgres.CreateSchemaAsync(),
            _ => null,
        };
        if (provider == "postgres" && lockWait is { } wait)
        {
            location = new Npgsql.NpgsqlConnectionStringBuilder(location) { CommandTimeout = (int)Math.Ceiling(wait.TotalSeconds) }.ConnectionString;
        }

        if (prepare is not null)
        {
            if (provider == "sqlite")
            {
                Directory.CreateDirectory(Path.GetDirectoryName(location)!);
            }

            await ExecuteSqlAsync(provider, location, prepare);
        }

        var storage = await OpenAsync(provider, location, lockWait);
        var test = new GrainTestHost(provider, location, storage, clock, pointsPerHour);

        foreach (var community in Communities)
        {
            var created = await test.Host.GetGrain<ICommunityGrain>(community).CreateCommunityAsync(
                new CreateCommunity(new RequestKey("test-setup", $"create-{community}"), $"Community {community}", Policy: null));
            Assert.True(created.Succeeded, created.ToString());
        }

        return test;
    }

    /// <summary>
    /// Another connection takes the database's write lock and keeps it until disposed, as a long migration,
    /// a backup or another process would: every commit meanwhile fails once its lock wait runs out.
    /// </summary>
    public async Task<IAsyncDisposable> HoldWriteLockAsync()
    {
        switch (_provider)
        {
            case "sqlite":
                var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_location};Pooling=False");
                await sqlite.OpenAsync();
                var exclusive = sqlite.BeginTransaction(deferred: false);
                return new Holder(async () => { await exclusive.RollbackAsync(); await sqlite.DisposeAsync(); });
            case "postgres":
                var postgres = new Npgsql.NpgsqlConnection(_location);
                await postgres.OpenAsync();
                var transaction = await postgres.BeginTransactionAsync();
                await using (var command = new Npgsql.NpgsqlCommand("LOCK TABLE grain_state IN EXCLUSIVE MODE", postgres, transaction))
                {
                    await command.ExecuteNonQueryAsync();
                }

                return new Holder(async () => { await transaction.RollbackAsync(); await postgres.DisposeAsync(); });
            default:
                throw new NotSupportedException($"{_provider} has no lock to hold.");
        }
    }

    /// <summary>Runs SQL on the database behind the storage, as someone with direct access to it could (to tamper, in tests).</summary>
    public Task<int> ExecuteSqlAsync(string sql) => ExecuteSqlAsync(_provider, _location, sql);

    private static async Task<int> ExecuteSqlAsync(string provider, string? location, string sql)
    {
        switch (provider)
        {
            case "sqlite":
                await using (var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={location};Pooling=False"))
                {
                    await sqlite.OpenAsync();
                    await using var command = sqlite.CreateCommand();
                    command.CommandText = sql;
                    return await command.ExecuteNonQueryAsync();
                }

            case "postgres":
                await using (var postgres = new Npgsql.NpgsqlConnection(location))
                {
                    await postgres.OpenAsync();
                    await using var command = new Npgsql.NpgsqlCommand(sql, postgres);
                    return await command.ExecuteNonQueryAsync();
                }

            default:
                throw new NotSupportedException($"{provider} has no SQL.");
        }
    }

    /// <summary>Stops the host and starts a new one on the same data, as a process restart would.</summary>
    /// <param name="options">The new host's grain options (a step hook that crashes, or none).</param>
    public async Task RestartAsync(TimeBankGrainOptions? options = null)
    {
        await Host.DisposeAsync();
        if (_provider != "memory")
        {
            await Storage.DisposeAsync();
            Storage = await OpenAsync(_provider, _location, null);
        }

        Host = NewHost(Storage, _clock, options ?? new TimeBankGrainOptions { PointsPerHour = 10 });
    }

    /// <summary>
    /// A second host on the same storage, as a second server process on the same database: its activations keep
    /// what they read until a write of theirs fails as stale. Its reminders run only when the test fires them.
    /// </summary>
    public GrainHost SecondHost(TimeProvider? clock = null)
        => new GrainHost(Storage, new GrainHostOptions { CollectionQuantum = TimeSpan.Zero, ReminderPollInterval = TimeSpan.FromHours(1) }, clock)
            .AddTimeBankGrains(new TimeBankGrainOptions { PointsPerHour = 10 });

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Storage.DisposeAsync();
    }

    private static GrainHost NewHost(IGrainStorage storage, TimeProvider? clock, TimeBankGrainOptions options)
        => new GrainHost(
                storage,
                new GrainHostOptions { CollectionQuantum = TimeSpan.Zero, ReminderPollInterval = clock is null ? TimeSpan.FromMilliseconds(200) : TimeSpan.Zero },
                clock: clock)
            .AddTimeBankGrains(options);

    private static async Task<IGrainStorage> OpenAsync(string provider, string? location, TimeSpan? lockWait) => provider switch
    {
        "memory" => new InMemoryGrainStorage(),
        "sqlite" => await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = location!, BusyTimeout = lockWait ?? TimeSpan.FromSeconds(30) }),
        "postgres" => await PostgresGrainStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = location! }),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    private sealed class Holder(Func<Task> release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await release();
    }
}
