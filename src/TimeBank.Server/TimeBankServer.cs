using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using TimeBank.Grains;
using TimeBank.Rpc;
using TimeBank.Rpc.Health;
using TimeBank.Runtime;
using TimeBank.Server.Internal;
using TimeBank.Server.Services;
using TimeBank.Storage;
using TimeBank.Storage.Postgres;
using TimeBank.Storage.Sqlite;

namespace TimeBank.Server;

/// <summary>
/// The running server: Kestrel speaking h2c, the grain host and its storage. Tests start it in-process on
/// a free loopback port (<c>--urls http://127.0.0.1:0</c>) exactly as <c>dotnet run</c> starts it.
/// </summary>
public sealed class TimeBankServer : IAsyncDisposable
{
    public const string DefaultUrl = "http://127.0.0.1:5000";

    private readonly WebApplication _app;
    private readonly GrainHost _grains;
    private readonly IGrainStorage _storage;
    private readonly HealthService _health;
    private int _disposed;

    private TimeBankServer(WebApplication app, GrainHost grains, IGrainStorage storage, HealthService health, string storageLocation)
    {
        _app = app;
        _grains = grains;
        _storage = storage;
        _health = health;
        StorageLocation = storageLocation;
    }

    /// <summary>The addresses Kestrel listens on, with real ports (after binding port 0).</summary>
    public IReadOnlyList<Uri> Addresses =>
        _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToArray();

    public string StorageLocation { get; }

    public GrainHost Grains => _grains;

    public static async Task<TimeBankServer> StartAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // gRPC is HTTP/2 only; on plain http that means h2c with prior knowledge.
            kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2);
        });

        var options = builder.Configuration.GetSection(TimeBankServerOptions.SectionName).Get<TimeBankServerOptions>() ?? new TimeBankServerOptions();
        var app = builder.Build();
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger<TimeBankServer>();

        var (storage, location) = await OpenStorageAsync(options, loggerFactory, cancellationToken);
        GrainHost? grains = null;
        try
        {
            grains = new GrainHost(
                storage,
                new GrainHostOptions { CollectionAge = options.Grains.CollectionAge, CollectionQuantum = options.Grains.CollectionQuantum },
                TimeProvider.System,
                loggerFactory);
            grains.AddTimeBankGrains(new TimeBankGrainOptions { PointsPerHour = options.PointsPerHour });

            var health = new HealthService();
            var registry = new GrpcServiceRegistry();
            health.AddTo(registry);
            new VolunteerApi(grains).AddTo(registry);
            var grpc = new GrpcServer(registry, new GrpcServerOptions { ExceptionMapper = InfrastructureErrors.Map }, loggerFactory);
            app.Run(grpc.HandleAsync);

            var server = new TimeBankServer(app, grains, storage, health, location);
            app.Lifetime.ApplicationStopping.Register(health.SetAllNotServing);
            await app.StartAsync(cancellationToken);
            ServerLog.Started(logger, string.Join(", ", server.Addresses), storage.Name, location);
            return server;
        }
        catch
        {
            if (grains is not null)
            {
                await grains.DisposeAsync();
            }

            await storage.DisposeAsync();
            await app.DisposeAsync();
            throw;
        }
    }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _health.SetAllNotServing();
        await _app.StopAsync();
        await _grains.DisposeAsync();
        await _storage.DisposeAsync();
        await _app.DisposeAsync();
    }

    private static async Task<(IGrainStorage Storage, string Location)> OpenStorageAsync(
        TimeBankServerOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        switch (options.Storage.Provider.ToLowerInvariant())
        {
            case "sqlite":
                var path = Path.GetFullPath(Path.Combine(options.DataDirectory, "timebank.db"));
                var sqlite = await SqliteGrainStorage.OpenAsync(
                    new SqliteStorageOptions
                    {
                        DatabasePath = path,
                        Synchronous = options.Storage.Synchronous.ToUpperInvariant(),
                        MaxBatchSize = options.Storage.MaxBatchSize,
                        BatchWindow = options.Storage.BatchWindow,
                    },
                    TimeProvider.System,
                    loggerFactory.CreateLogger<SqliteGrainStorage>(),
                    cancellationToken);
                return (sqlite, path);
            case "postgres":
                if (string.IsNullOrWhiteSpace(options.Storage.ConnectionString))
                {
                    throw new InvalidOperationException(
                        "TimeBank:Storage:Provider is 'postgres' but TimeBank:Storage:ConnectionString is empty; set it, e.g. --TimeBank:Storage:ConnectionString \"Host=127.0.0.1;Username=postgres;Database=timebank\".");
                }

                var postgres = await PostgresGrainStorage.OpenAsync(
                    new PostgresStorageOptions
                    {
                        ConnectionString = options.Storage.ConnectionString,
                        SynchronousCommit = options.Storage.SynchronousCommit,
                        MaxBatchSize = options.Storage.MaxBatchSize,
                        BatchWindow = options.Storage.BatchWindow,
                    },
                    TimeProvider.System,
                    loggerFactory.CreateLogger<PostgresGrainStorage>(),
                    cancellationToken);
                return (postgres, postgres.Location);
            default:
                throw new InvalidOperationException($"TimeBank:Storage:Provider '{options.Storage.Provider}' is not known; use 'sqlite' or 'postgres'.");
        }
    }
}
