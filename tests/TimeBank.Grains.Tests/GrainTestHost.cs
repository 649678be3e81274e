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

    private GrainTestHost(string provider, string? location, IGrainStorage storage, GrainHost host)
    {
        _provider = provider;
        _location = location;
        Storage = storage;
        Host = host;
    }

    public IGrainStorage Storage { get; private set; }

    public GrainHost Host { get; private set; }

    public static async Task<GrainTestHost> StartAsync(string provider, long pointsPerHour = 10)
    {
        var location = provider switch
        {
            "sqlite" => Path.Combine(Path.GetTempPath(), "timebank-tests", Guid.NewGuid().ToString("N"), "timebank.db"),
            "postgres" => await TestPostgres.CreateSchemaAsync(),
            _ => null,
        };
        var storage = await OpenAsync(provider, location);
        return new GrainTestHost(provider, location, storage, NewHost(storage, pointsPerHour));
    }

    /// <summary>Stops the host and starts a new one on the same data, as a process restart would.</summary>
    public async Task RestartAsync()
    {
        await Host.DisposeAsync();
        if (_provider != "memory")
        {
            await Storage.DisposeAsync();
            Storage = await OpenAsync(_provider, _location);
        }

        Host = NewHost(Storage, 10);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Storage.DisposeAsync();
    }

    private static GrainHost NewHost(IGrainStorage storage, long pointsPerHour)
        => new GrainHost(storage, new GrainHostOptions { CollectionQuantum = TimeSpan.Zero })
            .AddTimeBankGrains(new TimeBankGrainOptions { PointsPerHour = pointsPerHour });

    private static async Task<IGrainStorage> OpenAsync(string provider, string? location) => provider switch
    {
        "memory" => new InMemoryGrainStorage(),
        "sqlite" => await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = location! }),
        "postgres" => await PostgresGrainStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = location! }),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };
}
