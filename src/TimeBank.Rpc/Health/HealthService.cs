using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Health.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace TimeBank.Rpc.Health;

/// <summary>
/// <c>grpc.health.v1.Health</c>: Check and Watch, as probes, load balancers and grpc_health_probe expect.
/// The service name "" is the whole server.
/// </summary>
public sealed class HealthService
{
    public static readonly Method<HealthCheckRequest, HealthCheckResponse> CheckMethod =
        Method.FromDescriptor<HealthCheckRequest, HealthCheckResponse>(HealthReflection.Descriptor.Services[0].FindMethodByName("Check"));

    public static readonly Method<HealthCheckRequest, HealthCheckResponse> WatchMethod =
        Method.FromDescriptor<HealthCheckRequest, HealthCheckResponse>(HealthReflection.Descriptor.Services[0].FindMethodByName("Watch"));

    private readonly ConcurrentDictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Channel<ServingStatus>, string> _watchers = new();

    public HealthService()
    {
        _statuses[""] = ServingStatus.Serving;
    }

    public void AddTo(GrpcServiceRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddUnary(CheckMethod, CheckAsync);
        registry.AddServerStreaming(WatchMethod, WatchAsync);
    }

    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        _statuses[service] = status;
        foreach (var (watcher, watched) in _watchers)
        {
            if (watched == service)
            {
                watcher.Writer.TryWrite(status);
            }
        }
    }

    /// <summary>Marks every service NOT_SERVING, e.g. while the server shuts down.</summary>
    public void SetAllNotServing()
    {
        foreach (var service in _statuses.Keys)
        {
            SetStatus(service, ServingStatus.NotServing);
        }
    }

    public Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _statuses.TryGetValue(request.Service, out var status)
            ? Task.FromResult(new HealthCheckResponse { Status = status })
            : Task.FromException<HealthCheckResponse>(new RpcException(StatusCode.NotFound, $"Unknown service '{Echo(request.Service)}'."));
    }

    /// <summary>A caller's service name as an error repeats it: 64 characters at most, no control characters.</summary>
    private static string Echo(string service)
    {
        var shown = service.Length > 64 ? service[..64] + "...(cut)" : service;
        return string.Concat(shown.Select(c => char.IsControl(c) ? '?' : c));
    }

    public async Task WatchAsync(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);

        // Only the latest status matters to a watcher that falls behind.
        var updates = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        _watchers[updates] = request.Service;
        try
        {
            var current = _statuses.TryGetValue(request.Service, out var known) ? known : ServingStatus.ServiceUnknown;
            await responseStream.WriteAsync(new HealthCheckResponse { Status = current }, context.CancellationToken);
            var last = current;
            await foreach (var status in updates.Reader.ReadAllAsync(context.CancellationToken))
            {
                if (status != last)
                {
                    await responseStream.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken);
                    last = status;
                }
            }
        }
        finally
        {
            _watchers.TryRemove(updates, out _);
        }
    }
}
