using Google.Protobuf;

namespace TimeBank.Rpc.Internal;

internal sealed class ServerStreamingServerMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingHandler<TRequest, TResponse> handler)
    : ServerMethod(method)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    // Unknown fields are dropped while parsing: a request made of a million of them costs a pass over its
    // bytes, not a million objects kept for as long as the call lives.
    private readonly MessageParser<TRequest> _requestParser = method.RequestParser.WithDiscardUnknownFields(true);

    public override async Task HandleAsync(GrpcCall call, GrpcServerOptions options)
    {
        var request = await ReadSingleRequestAsync(call, _requestParser, options).ConfigureAwait(false);

        // The handler writes to the HTTP response, so it is always awaited, even past the deadline (its
        // token is cancelled then): the response must not be touched after the call is handed back.
        await handler(request, new StreamWriter(call), call.Context).ConfigureAwait(false);
    }

    private sealed class StreamWriter(GrpcCall call) : IServerStreamWriter<TResponse>
    {
        private int _writing;

        public async Task WriteAsync(TResponse message, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(message);
            if (Interlocked.Exchange(ref _writing, 1) == 1)
            {
                throw new InvalidOperationException("Only one write may be pending at a time.");
            }

            try
            {
                call.CancellationToken.ThrowIfCancellationRequested();
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(call.CancellationToken, cancellationToken);
                await call.WriteMessageAsync(message, linked.Token).ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref _writing, 0);
            }
        }
    }
}
