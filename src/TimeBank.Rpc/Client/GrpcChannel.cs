using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using TimeBank.Rpc.Internal;

namespace TimeBank.Rpc.Client;

/// <summary>
/// A gRPC client over <see cref="HttpClient"/>: HTTP/2 with prior knowledge for <c>http://</c> (h2c) and
/// ALPN for <c>https://</c>. Thread-safe; keep one per server and share it.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private const string UserAgent = "timebank-grpc-dotnet/1.0";

    private readonly HttpClient _http;
    private readonly GrpcChannelOptions _options;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        Address = address;
        _options = options;
        var handler = options.HttpHandler ?? new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
        };
        _http = new HttpClient(handler, disposeHandler: options.HttpHandler is null)
        {
            BaseAddress = address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan, // deadlines are per call
        };
    }

    public Uri Address { get; }

    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null)
        => ForAddress(new Uri(address, UriKind.Absolute), options);

    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("A gRPC address is http:// (h2c) or https://.", nameof(address));
        }

        return new GrpcChannel(address, options ?? new GrpcChannelOptions());
    }

    /// <summary>Calls a unary method. A non-OK status throws <see cref="RpcException"/>.</summary>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        using var call = new ClientCall(options);
        try
        {
            using var httpRequest = CreateRequest(method, request, options);
            using var response = await _http.SendAsync(httpRequest, HttpCompletionOption.ResponseHeadersRead, call.Token).ConfigureAwait(false);
            ThrowIfNotGrpc(response);
            var reader = CreateReader(response, method.ResponseParser, await response.Content.ReadAsStreamAsync(call.Token).ConfigureAwait(false));
            var message = await reader.ReadNextAsync(call.Token).ConfigureAwait(false);
            var extra = message is null ? null : await reader.ReadNextAsync(call.Token).ConfigureAwait(false);
            ThrowIfNotOk(StatusHeaders(response));
            if (message is null || extra is not null)
            {
                throw new RpcException(StatusCode.Internal, $"A unary response has exactly one message; the server sent {(message is null ? "none" : "more than one")}.");
            }

            return message;
        }
        catch (Exception e) when (call.Translate(e) is { } status)
        {
            throw status;
        }
    }

    /// <summary>Calls a server-streaming method; the messages arrive as they are sent.</summary>
    public async IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, cancellationToken);
        using var call = new ClientCall(options with { CancellationToken = linked.Token });
        HttpResponseMessage response;
        MessageReader<TResponse> reader;
        using var httpRequest = CreateRequest(method, request, options);
        try
        {
            response = await _http.SendAsync(httpRequest, HttpCompletionOption.ResponseHeadersRead, call.Token).ConfigureAwait(false);
            ThrowIfNotGrpc(response);
            reader = CreateReader(response, method.ResponseParser, await response.Content.ReadAsStreamAsync(call.Token).ConfigureAwait(false));
        }
        catch (Exception e) when (call.Translate(e) is { } status)
        {
            throw status;
        }

        using (response)
        {
            while (true)
            {
                TResponse? message;
                try
                {
                    message = await reader.ReadNextAsync(call.Token).ConfigureAwait(false);
                    if (message is null)
                    {
                        ThrowIfNotOk(StatusHeaders(response));
                        yield break;
                    }
                }
                catch (Exception e) when (call.Translate(e) is { } status)
                {
                    throw status;
                }

                yield return message;
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private static void ThrowIfNotGrpc(HttpResponseMessage response)
    {
        // A status in the headers is a trailers-only response: the call ended before any message.
        if (response.Headers.TryGetValues(GrpcProtocol.StatusTrailer, out _))
        {
            ThrowIfNotOk(response.Headers);
            return;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new RpcException(FromHttpStatus(response.StatusCode), $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}.");
        }

        if (!GrpcProtocol.IsGrpcContentType(response.Content.Headers.ContentType?.ToString()))
        {
            throw new RpcException(StatusCode.Internal, $"Bad gRPC response. Content-Type '{response.Content.Headers.ContentType}' is not application/grpc.");
        }
    }

    /// <summary>
    /// Where the call's status is: in the headers of a trailers-only response, else in the trailers. A
    /// trailers-only OK is legal and is what this server sends for a stream that ends with no message.
    /// </summary>
    private static HttpHeaders StatusHeaders(HttpResponseMessage response)
        => response.Headers.Contains(GrpcProtocol.StatusTrailer) ? response.Headers : response.TrailingHeaders;

    private static void ThrowIfNotOk(HttpHeaders headers)
    {
        if (!headers.TryGetValues(GrpcProtocol.StatusTrailer, out var values))
        {
            throw new RpcException(StatusCode.Internal, "The response ended without a grpc-status.");
        }

        var raw = values.FirstOrDefault();
        if (!int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
        {
            throw new RpcException(StatusCode.Unknown, $"The response's grpc-status '{raw}' is not a number.");
        }

        if (code == 0)
        {
            return;
        }

        var detail = headers.TryGetValues(GrpcProtocol.MessageTrailer, out var messages) ? PercentEncoding.Decode(messages.First()) : "";
        var details = headers.TryGetValues(GrpcProtocol.StatusDetailsTrailer, out var bins) ? bins.First() : null;
        var (reason, domain) = StatusDetails.Decode(details);
        throw new RpcException(Enum.IsDefined((StatusCode)code) ? (StatusCode)code : StatusCode.Unknown, detail, reason, domain)
        {
            FieldViolations = StatusDetails.DecodeFieldViolations(details),
        };
    }

    /// <summary>The spec's mapping for an HTTP error that carries no gRPC status.</summary>
    private static StatusCode FromHttpStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => StatusCode.Internal,
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    private MessageReader<TResponse> CreateReader<TResponse>(HttpResponseMessage response, MessageParser<TResponse> parser, Stream body)
        where TResponse : class, IMessage<TResponse>
    {
        var encoding = response.Headers.TryGetValues(GrpcProtocol.EncodingHeader, out var values) ? values.FirstOrDefault() : null;
        return new MessageReader<TResponse>(PipeReader.Create(body), parser, _options.MaxReceiveMessageSize, encoding, "Received");
    }

    private HttpRequestMessage CreateRequest(IMethod method, IMessage request, CallOptions options)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, new Uri(method.FullName, UriKind.Relative))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new UnaryRequestContent(MessageFraming.ToFrame(request)),
        };
        var headers = message.Headers;
        headers.TryAddWithoutValidation(GrpcProtocol.TeHeader, "trailers");
        headers.TryAddWithoutValidation("user-agent", UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        if (options.Timeout is { } timeout)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(timeout));
        }

        foreach (var (name, value) in _options.DefaultHeaders)
        {
            headers.TryAddWithoutValidation(name, value);
        }

        foreach (var (name, value) in options.Headers ?? [])
        {
            headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }

    /// <summary>A call's cancellation on the client: the caller's token and the deadline, told apart afterwards.</summary>
    private sealed class ClientCall : IDisposable
    {
        private readonly CancellationTokenSource _source;
        private readonly CancellationToken _callerToken;

        public ClientCall(CallOptions options)
        {
            _callerToken = options.CancellationToken;
            _source = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
            if (options.Timeout is { } timeout)
            {
                _source.CancelAfter(timeout <= TimeSpan.Zero ? TimeSpan.Zero : timeout);
            }
        }

        public CancellationToken Token => _source.Token;

        public RpcException? Translate(Exception error) => error switch
        {
            RpcException => null,
            OperationCanceledException when _callerToken.IsCancellationRequested => new RpcException(StatusCode.Cancelled, "Call cancelled by the caller."),
            OperationCanceledException when _source.IsCancellationRequested => new RpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded"),
            HttpRequestException http => new RpcException(StatusCode.Unavailable, $"Error connecting to the server: {http.Message}"),
            HttpProtocolException protocol => new RpcException(StatusCode.Unavailable, $"The HTTP/2 stream failed: {protocol.Message}"),
            IOException io => new RpcException(StatusCode.Unavailable, $"The connection failed: {io.Message}"),
            _ => null,
        };

        public void Dispose() => _source.Dispose();
    }
}
