using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using TimeBank.Contracts.V1;
using TimeBank.Grains;
using TimeBank.Rpc;
using TimeBank.Rpc.Health;
using TimeBank.Runtime;
using TimeBank.Server.Api;
using TimeBank.Server.Api.Internal;
using TimeBank.Server.Auth;
using TimeBank.Server.Internal;
using TimeBank.Storage;
using TimeBank.Storage.Keys;
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
    private readonly KeyRing _keys;
    private readonly ApiMetrics _metrics;
    private int _disposed;

    private TimeBankServer(WebApplication app, GrainHost grains, IGrainStorage storage, HealthService health, string storageLocation, GrpcServiceRegistry registry, KeyRing keys, ApiMetrics metrics, string? adminKeyFile)
    {
        Registry = registry;
        _keys = keys;
        _metrics = metrics;
        AdminKeyFile = adminKeyFile;
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

    /// <summary>Where the first start wrote the admin key; null when this start wrote none.</summary>
    public string? AdminKeyFile { get; }

    /// <summary>The API keys in memory.</summary>
    public KeyRing Keys => _keys;

    public GrainHost Grains => _grains;

    /// <summary>Every method the server answers (for tests that check each has a policy).</summary>
    internal GrpcServiceRegistry Registry { get; }

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

        var options = ReadOptions(builder.Configuration);
        var app = builder.Build();
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger<TimeBankServer>();

        var (storage, location) = await OpenStorageAsync(options, loggerFactory, cancellationToken);
        GrainHost? grains = null;
        KeyRing? keys = null;
        try
        {
            var keyStore = storage as IApiKeyStore ?? throw new InvalidOperationException($"Storage {storage.Name} keeps no API keys.");
            var adminKeyFile = await AdminKeyBootstrap.EnsureAsync(
                keyStore, options.DataDirectory, options.AdminKey, TimeProvider.System, loggerFactory.CreateLogger<KeyRing>(), cancellationToken);
            keys = await KeyRing.LoadAsync(keyStore, TimeProvider.System, options.Keys, loggerFactory.CreateLogger<KeyRing>(), cancellationToken);
            grains = new GrainHost(
                storage,
                new GrainHostOptions { CollectionAge = options.Grains.CollectionAge, CollectionQuantum = options.Grains.CollectionQuantum },
                TimeProvider.System,
                loggerFactory);
            grains.AddTimeBankGrains(new TimeBankGrainOptions { PointsPerHour = options.PointsPerHour });

            var health = new HealthService();
            var registry = new GrpcServiceRegistry();
            var metrics = new ApiMetrics();
            var pipeline = new CallPipeline(keys.Authenticate, metrics, logger, TimeProvider.System);
            var administration = new KeyAdministration(keyStore, storage, keys, TimeProvider.System);
            var verification = new LedgerVerification(storage);
            var statements = new StatementExport(grains);
            var reports = new ReportExport(grains);
            new ApiRegistration(grains, pipeline)
                .Handle(HealthService.CheckMethod, (request, call) => health.CheckAsync(request, call.Context))
                .HandleStreaming(HealthService.WatchMethod, (request, writer, call) => health.WatchAsync(request, writer, call.Context))
                .Handle(AdminServiceMethods.CreateKey, administration.CreateKeyAsync)
                .Handle(AdminServiceMethods.ListKeys, administration.ListKeysAsync)
                .Handle(AdminServiceMethods.RevokeKey, administration.RevokeKeyAsync)
                .HandleStreaming(LedgerServiceMethods.VerifyJournal, verification.VerifyAsync)
                .HandleStreaming(VolunteerServiceMethods.ExportStatement, statements.ExportAsync)
                .HandleStreaming(CommunityServiceMethods.ExportReport, reports.ExportAsync)
                .AddTo(registry, ApiPolicy.All);
            var grpc = new GrpcServer(registry, new GrpcServerOptions { ExceptionMapper = InfrastructureErrors.Map }, loggerFactory);
            app.Run(grpc.HandleAsync);

            var server = new TimeBankServer(app, grains, storage, health, location, registry, keys, metrics, adminKeyFile);
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

            if (keys is not null)
            {
                await keys.DisposeAsync();
            }

            await storage.DisposeAsync();
            await app.DisposeAsync();
            throw;
        }
    }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>The TimeBank section, checked whole: every problem at once, each naming its setting.</summary>
    private static TimeBankServerOptions ReadOptions(IConfiguration configuration)
    {
        TimeBankServerOptions options;
        try
        {
            options = configuration.GetSection(TimeBankServerOptions.SectionName).Get<TimeBankServerOptions>() ?? new TimeBankServerOptions();
        }
        catch (InvalidOperationException e)
        {
            // The binder's message names the key and the value it could not convert (e.g. a BatchWindow of "soon").
            throw new ConfigurationProblemException($"{e.Message} {e.InnerException?.Message}".Trim(), e);
        }

        var problems = options.Problems();
        return problems.Count == 0 ? options : throw new ConfigurationProblemException(string.Join(" Also: ", problems));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _health.SetAllNotServing();
        await _app.StopAsync();
        await _grains.DisposeAsync();
        await _keys.DisposeAsync();
        _metrics.Dispose();
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
                try
                {
                    _ = new Npgsql.NpgsqlConnectionStringBuilder(options.Storage.ConnectionString);
                }
                catch (ArgumentException e)
                {
                    throw new ConfigurationProblemException(
                        $"TimeBank:Storage:ConnectionString is not an Npgsql connection string ({e.Message}); e.g. \"Host=127.0.0.1;Username=timebank;Password=...;Database=timebank\"", e);
                }

                var postgres = await PostgresGrainStorage.OpenAsync(
                    new PostgresStorageOptions
                    {
                        ConnectionString = options.Storage.ConnectionString!,
                        SynchronousCommit = options.Storage.SynchronousCommit,
                        MaxBatchSize = options.Storage.MaxBatchSize,
                        BatchWindow = options.Storage.BatchWindow,
                    },
                    TimeProvider.System,
                    loggerFactory.CreateLogger<PostgresGrainStorage>(),
                    cancellationToken);
                return (postgres, postgres.Location);
            default:
                throw new ConfigurationProblemException($"TimeBank:Storage:Provider '{options.Storage.Provider}' is not known; use sqlite or postgres.");
        }
    }
}
