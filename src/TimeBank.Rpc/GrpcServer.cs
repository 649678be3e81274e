using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TimeBank.Rpc.Internal;

namespace TimeBank.Rpc;

/// <summary>
/// Answers gRPC calls on an ASP.NET Core pipeline: <c>app.Run(server.HandleAsync)</c> on a Kestrel endpoint
/// that speaks HTTP/2.
/// </summary>
public sealed class GrpcServer
{
    private readonly GrpcDispatcher _dispatcher;

    public GrpcServer(GrpcServiceRegistry registry, GrpcServerOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _dispatcher = new GrpcDispatcher(
            registry,
            options ?? new GrpcServerOptions(),
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<GrpcServer>(),
            clock ?? TimeProvider.System);
    }

    public Task HandleAsync(HttpContext context) => _dispatcher.DispatchAsync(context);
}
