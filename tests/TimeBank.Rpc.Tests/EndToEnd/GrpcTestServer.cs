using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TimeBank.Rpc.Client;
using TimeBank.Rpc.Health;

namespace TimeBank.Rpc.Tests.EndToEnd;

/// <summary>
/// A real Kestrel on a free loopback port, HTTP/2 only without TLS (h2c), answering with
/// <see cref="GrpcServer"/>: the test service and the health service. Used as a class fixture, or
/// started and disposed by a test that changes its state.
/// </summary>
public sealed class GrpcTestServer : IAsyncLifetime
{
    private WebApplication? _app;
    private Uri? _address;

    public Uri Address => _address ?? throw new InvalidOperationException("The server has not started.");

    public HealthService Health { get; } = new();

    internal TestService Service { get; } = new();

    internal CapturedLogs Logs { get; } = new();

    public static async Task<GrpcTestServer> StartAsync()
    {
        var server = new GrpcTestServer();
        await server.InitializeAsync();
        return server;
    }

    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null) => GrpcChannel.ForAddress(Address, options);

    internal RawGrpcClient CreateRawClient() => new(Address);

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(Logs);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2));

        var registry = new GrpcServiceRegistry();
        Service.AddTo(registry);
        Health.AddTo(registry);

        _app = builder.Build();
        var options = new GrpcServerOptions
        {
            ExceptionMapper = e => e switch
            {
                ConflictException => new RpcException(StatusCode.Aborted, "Lost a race; retry."),
                OutageException => new RpcException(StatusCode.Unavailable, "Try again later."),
                _ => null,
            },
        };
        var grpcServer = new GrpcServer(registry, options, _app.Services.GetRequiredService<ILoggerFactory>());
        _app.Run(grpcServer.HandleAsync);
        await _app.StartAsync();

        var addresses = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        _address = new Uri(Assert.Single(addresses));
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is null)
        {
            return;
        }

        // Bounded, so a call that never ends shows up as a slow test rather than a hung run.
        using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(shutdown.Token);
        await _app.DisposeAsync();
        _app = null;
    }
}
