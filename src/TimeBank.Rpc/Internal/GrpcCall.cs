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

    /// <summary>Writes one message, sending the response headers first if they are not out yet.</summary>
    public async Task WriteMessageAsync(Google.Protobuf.IMessage message, CancellationToken cancellationToken)
    {
        lock (_writeGate)
        {
            if (_ended)
            {
                throw new InvalidOperationException("The call has already ended; no more messages can be written.");
            }

            EnsureResponseHeaders();
            MessageFraming.WriteMessage(HttpContext.Response.BodyWriter, message);
        }

        await HttpContext.Response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
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

            Set(GrpcProtocol.StatusTrailer, ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!string.IsNullOrEmpty(detail))
            {
                Set(GrpcProtocol.MessageTrailer, PercentEncoding.Encode(detail));
            }

            if (StatusDetails.Encode(code, detail, reason, domain, fieldViolations) is { } details)
            {
                Set(GrpcProtocol.StatusDetailsTrailer, details);
            }

            if (extraTrailers is not null)
            {
                foreach (var (name, value) in extraTrailers)
                {
                    if (!GrpcProtocol.IsReservedHeader(name))
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
