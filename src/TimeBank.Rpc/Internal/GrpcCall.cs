using System.Net;
using Microsoft.AspNetCore.Http;

namespace TimeBank.Rpc.Internal;

/// <summary>
/// One call's state on the server: its deadline, its cancellation, and the one place that writes its
/// response headers, messages and status. Once the status is written nothing else is.
/// </summary>
internal sealed class GrpcCall : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly TaskCompletionSource? _deadlineReached;
    private readonly CancellationTokenSource? _deadlineSource;
    private readonly CancellationTokenRegistration _deadlineRegistration;
    private readonly Lock _writeGate = new();
    private bool _ended;

    public GrpcCall(HttpContext httpContext, IMethod method, string? encoding, TimeSpan? timeout, TimeProvider clock)
    {
        HttpContext = httpContext;
        Method = method;
        Encoding = encoding;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted);
        DateTimeOffset? deadline = null;
        if (timeout is { } t)
        {
            deadline = clock.GetUtcNow() + t;
            _deadlineReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _deadlineSource = new CancellationTokenSource(t, clock);
            DeadlineToken = _deadlineSource.Token;
            _deadlineRegistration = _deadlineSource.Token.Register(static s =>
            {
                var call = (GrpcCall)s!;
                call._deadlineReached!.TrySetResult();
                call._cancellation.Cancel();
            }, this);
        }

        Context = new ServerCallContext(method.FullName, FormatPeer(httpContext), deadline, CopyMetadata(httpContext.Request.Headers), _cancellation.Token);
    }

    public HttpContext HttpContext { get; }

    public IMethod Method { get; }

    public string? Encoding { get; }

    /// <summary>The server's bound on large request messages read at once.</summary>
    public LargeMessageGate? LargeMessages { get; init; }

    public ServerCallContext Context { get; }

    public CancellationToken CancellationToken => _cancellation.Token;

    public CancellationToken DeadlineToken { get; }

    /// <summary>Completes when the deadline passes; null when the caller set none.</summary>
    public Task? DeadlineReached => _deadlineReached?.Task;

    public bool IsDeadlineExceeded => DeadlineToken.IsCancellationRequested;

    public bool HasEnded
    {
        get
        {
            lock (_writeGate)
            {
                return _ended;
            }
        }
    }

    /// <summary>
    /// Writes one message, sending the response headers first if they are not out yet. <paramref name="cancellationToken"/>
    /// (the deadline, the handler's own) is checked before writing, never handed to the flush: a flush
    /// cancelled once headers are out makes Kestrel reset the stream, and the caller would get no status at
    /// all. Only the caller going away stops a flush under way.
    /// </summary>
    public async Task WriteMessageAsync(Google.Protobuf.IMessage message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_writeGate)
        {
            if (_ended)
            {
                throw new InvalidOperationException("The call has already ended; no more messages can be written.");
            }

            EnsureResponseHeaders();
            MessageFraming.WriteMessage(HttpContext.Response.BodyWriter, message);
        }

        await HttpContext.Response.BodyWriter.FlushAsync(HttpContext.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends the call with a status: as trailers after the messages, or, when nothing was sent yet, as a
    /// trailers-only response (one HEADERS frame carrying the status). Only the first status counts.
    /// </summary>
    public bool TryEnd(
        StatusCode code, string detail, string? reason = null, string? domain = null, IDictionary<string, string>? extraTrailers = null,
        IReadOnlyList<FieldViolation>? fieldViolations = null)
    {
        lock (_writeGate)
        {
            if (_ended)
            {
                return false;
            }

            _ended = true;
            var response = HttpContext.Response;
            var trailersOnly = !response.HasStarted;
            if (trailersOnly)
            {
                EnsureResponseHeaders();
            }

            void Set(string name, string value)
            {
                if (trailersOnly)
                {
                    response.Headers[name] = value;
                }
                else
                {
                    response.AppendTrailer(name, value);
                }
            }

            // Whatever a handler put in them, a status's message, details and extra trailers stay small:
            // a client that refuses large trailers would otherwise see RESOURCE_EXHAUSTED, not the error.
            detail = StatusLimits.CutMessage(detail);
            var budget = StatusLimits.MaxErrorMetadataBytes;
            Set(GrpcProtocol.StatusTrailer, ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!string.IsNullOrEmpty(detail))
            {
                var encoded = PercentEncoding.Encode(detail);
                budget -= encoded.Length;
                Set(GrpcProtocol.MessageTrailer, encoded);
            }

            if (StatusDetails.Encode(code, detail, StatusLimits.CutToken(reason), StatusLimits.CutToken(domain), StatusLimits.CutViolations(fieldViolations)) is { } details)
            {
                budget -= details.Length;
                Set(GrpcProtocol.StatusDetailsTrailer, details);
            }

            if (extraTrailers is not null)
            {
                foreach (var (name, value) in extraTrailers)
                {
                    if (!GrpcProtocol.IsReservedHeader(name) && (budget -= name.Length + value.Length) >= 0)
                    {
                        Set(name.ToLowerInvariant(), value);
                    }
                }
            }

            return true;
        }
    }

    public void Dispose()
    {
        _deadlineRegistration.Dispose();
        _deadlineSource?.Dispose();
        _cancellation.Dispose();
    }

    private static string FormatPeer(HttpContext httpContext)
    {
        var connection = httpContext.Connection;
        return connection.RemoteIpAddress switch
        {
            null => "unknown",
            { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } ip => $"ipv6:[{ip}]:{connection.RemotePort}",
            var ip => $"ipv4:{ip}:{connection.RemotePort}",
        };
    }

    private static List<KeyValuePair<string, string>> CopyMetadata(IHeaderDictionary headers)
    {
        var metadata = new List<KeyValuePair<string, string>>(headers.Count);
        foreach (var (name, values) in headers)
        {
            if (GrpcProtocol.IsReservedHeader(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                metadata.Add(new(name.ToLowerInvariant(), value ?? ""));
            }
        }

        return metadata;
    }

    private void EnsureResponseHeaders()
    {
        var response = HttpContext.Response;
        if (response.HasStarted || response.Headers.ContainsKey(GrpcProtocol.AcceptEncodingHeader))
        {
            return;
        }

        response.StatusCode = (int)HttpStatusCode.OK;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
    }
}
