using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Health.V1;

namespace TimeBank.Rpc.Tests.EndToEnd;

/// <summary>
/// A service made of the health messages, one method per behaviour the tests need. The request's
/// <c>service</c> field is the input; Echo and friends answer with a HealthCheckRequest too, so a string
/// can travel both ways.
/// </summary>
internal sealed class TestService
{
    public const string Name = "test.Probe";

    public static readonly Method<HealthCheckRequest, HealthCheckRequest> Echo = Unary("Echo");

    /// <summary>Answers with the request's <c>x-custom</c> header, or "(none)".</summary>
    public static readonly Method<HealthCheckRequest, HealthCheckRequest> ReadHeader = Unary("ReadHeader");

    /// <summary>
    /// Throws: for "conflict" a <see cref="ConflictException"/>, for "outage" an <see cref="OutageException"/> (both mapped
    /// to statuses by the test server's exception mapper), otherwise an unmapped exception with "secret internals".
    /// </summary>
    public static readonly Method<HealthCheckRequest, HealthCheckResponse> Throw = new(
        MethodType.Unary, Name, "Throw", HealthCheckRequest.Parser, HealthCheckResponse.Parser);

    public static readonly Method<HealthCheckRequest, HealthCheckResponse> Refuse = new(
        MethodType.Unary, Name, "Refuse", HealthCheckRequest.Parser, HealthCheckResponse.Parser);

    /// <summary>Fails with ABORTED and the request's text as the status message.</summary>
    public static readonly Method<HealthCheckRequest, HealthCheckResponse> FailWith = new(
        MethodType.Unary, Name, "FailWith", HealthCheckRequest.Parser, HealthCheckResponse.Parser);

    /// <summary>Never answers; waits for its call to be cancelled (deadline or caller).</summary>
    public static readonly Method<HealthCheckRequest, HealthCheckResponse> Hang = new(
        MethodType.Unary, Name, "Hang", HealthCheckRequest.Parser, HealthCheckResponse.Parser);

    /// <summary>Streams "1".."N" for a request "N"; for "N!" it then fails with ABORTED.</summary>
    public static readonly Method<HealthCheckRequest, HealthCheckRequest> Count = new(
        MethodType.ServerStreaming, Name, "Count", HealthCheckRequest.Parser, HealthCheckRequest.Parser);

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _hangsStarted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _hangsCancelled = new(StringComparer.Ordinal);

    public void AddTo(GrpcServiceRegistry registry)
    {
        registry.AddUnary(Echo, (request, _) => Task.FromResult(request.Clone()));
        registry.AddUnary(ReadHeader, (_, context) => Task.FromResult(new HealthCheckRequest { Service = context.GetRequestHeader("x-custom") ?? "(none)" }));
        registry.AddUnary(Throw, (request, _) => throw request.Service switch
        {
            "conflict" => new ConflictException("lost a race for the row"),
            "outage" => new OutageException("the database did not answer"),
            _ => new InvalidOperationException("secret internals"),
        });
        registry.AddUnary(Refuse, (_, _) => throw new RpcException(StatusCode.FailedPrecondition, "nope", reason: "SOME_REASON", domain: "test"));
        registry.AddUnary(FailWith, (request, _) => throw new RpcException(StatusCode.Aborted, request.Service));
        registry.AddUnary(Hang, HangAsync);
        registry.AddServerStreaming(Count, CountAsync);
    }

    /// <summary>Completes when the Hang call sent with <paramref name="id"/> reaches its handler.</summary>
    public Task HangStarted(string id) => Signal(_hangsStarted, id).Task;

    /// <summary>Completes when the Hang call sent with <paramref name="id"/> sees its token cancelled.</summary>
    public Task HangCancelled(string id) => Signal(_hangsCancelled, id).Task;

    private static Method<HealthCheckRequest, HealthCheckRequest> Unary(string name)
        => new(MethodType.Unary, Name, name, HealthCheckRequest.Parser, HealthCheckRequest.Parser);

    private static TaskCompletionSource Signal(ConcurrentDictionary<string, TaskCompletionSource> signals, string id)
        => signals.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    private static async Task CountAsync(HealthCheckRequest request, IServerStreamWriter<HealthCheckRequest> stream, ServerCallContext context)
    {
        var fail = request.Service.EndsWith('!');
        var count = int.Parse(request.Service.TrimEnd('!'), CultureInfo.InvariantCulture);
        for (var i = 1; i <= count; i++)
        {
            await stream.WriteAsync(new HealthCheckRequest { Service = i.ToString(CultureInfo.InvariantCulture) }, context.CancellationToken);
        }

        if (fail)
        {
            throw new RpcException(StatusCode.Aborted, $"stopped after {count}");
        }
    }

    private async Task<HealthCheckResponse> HangAsync(HealthCheckRequest request, ServerCallContext context)
    {
        Signal(_hangsStarted, request.Service).TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            Signal(_hangsCancelled, request.Service).TrySetResult();
            throw;
        }

        throw new InvalidOperationException("An infinite delay ended.");
    }
}

/// <summary>A fault the test server maps to ABORTED, as TimeBank maps a write that lost a race.</summary>
internal sealed class ConflictException(string message) : Exception(message);

/// <summary>A fault the test server maps to UNAVAILABLE, as TimeBank maps a database that did not answer.</summary>
internal sealed class OutageException(string message) : Exception(message);
