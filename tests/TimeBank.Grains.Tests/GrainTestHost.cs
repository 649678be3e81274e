using TimeBank.Runtime;
using TimeBank.Storage;
using TimeBank.Storage.InMemory;
using TimeBank.Storage.Sqlite;

namespace TimeBank.Grains.Tests;

/// <summary>A grain host over a real provider, with the TimeBank grains registered. Reopenable, to test restarts.</summary>
public sealed class GrainTestHost : IAsyncDisposable
{
    public static readonly TheoryData<string> Providers = ["memory", "sqlite"];

    private readonly string _provider;
    private readonly string? _sqlitePath;

    private GrainTestHost(string provider, string? sqlitePath, IGrainStorage storage, GrainHost host)
    {
        _provider = provider;
        _sqlitePath = sqlitePath;
        Storage = storage;
        Host = host;
    }

    public IGrainStorage Storage { get; private set; }

    public GrainHost Host { get; private set; }

    public static async Task<GrainTestHost> StartAsync(string provider, long pointsPerHour = 10)
    {
        var path = provider == "sqlite" ? Path.Combine(Path.GetTempPath(), "timebank-tests", Guid.NewGuid().ToString("N"), "timebank.db") : null;
        var storage = await OpenAsync(provider, path);
        return new GrainTestHost(provider, path, storage, NewHost(storage, pointsPerHour));
    }

    /// <summary>Stops the host and starts a new one on the same data, as a process restart would.</summary>
    public async Task RestartAsync()
    {
        await Host.DisposeAsync();
        if (_provider == "sqlite")
        {
            await Storage.DisposeAsync();
            Storage = await OpenAsync(_provider, _sqlitePath);
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

    private static async Task<IGrainStorage> OpenAsync(string provider, string? path) => provider switch
    {
        "memory" => new InMemoryGrainStorage(),
        "sqlite" => await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = path! }),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };
}
