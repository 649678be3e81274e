using Google.Protobuf;

namespace TimeBank.Rpc.Internal;

internal sealed class UnaryServerMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryHandler<TRequest, TResponse> handler)
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

        Task<TResponse> handling;
        try
        {
            handling = handler(request, call.Context);
        }
        catch (Exception e)
        {
            handling = Task.FromException<TResponse>(e);
        }

        // Without a deadline there is nothing to race: the handler's own task is awaited, nothing allocated.
        if (!handling.IsCompleted && call.DeadlineReached is { } deadlineReached)
        {
            // A unary handler touches only its request and context, never the HTTP request, so at the
            // deadline the caller can be answered at once while the handler winds down on its own.
            await Task.WhenAny(handling, deadlineReached).ConfigureAwait(false);
            if (!handling.IsCompleted)
            {
                _ = handling.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw new RpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded");
            }
        }

        var response = await handling.ConfigureAwait(false);
        await call.WriteMessageAsync(response, call.CancellationToken).ConfigureAwait(false);
    }
}
