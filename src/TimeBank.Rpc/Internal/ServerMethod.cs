using Google.Protobuf;

namespace TimeBank.Rpc.Internal;

/// <summary>A registered method and how its calls are carried out, by method type.</summary>
internal abstract class ServerMethod(IMethod method)
{
    public IMethod Method { get; } = method;

    /// <summary>Reads the request(s), runs the handler, writes the response(s). Throws to end with an error.</summary>
    public abstract Task HandleAsync(GrpcCall call, GrpcServerOptions options);

    /// <summary>
    /// The one request message of a unary or server-streaming call. None, or a second one, is a request
    /// cardinality violation, which the gRPC status code document (doc/statuscodes.md) answers UNIMPLEMENTED.
    /// </summary>
    protected static async Task<TRequest> ReadSingleRequestAsync<TRequest>(GrpcCall call, MessageParser<TRequest> parser, GrpcServerOptions options)
        where TRequest : class, IMessage<TRequest>
    {
        var reader = new MessageReader<TRequest>(call.HttpContext.Request.BodyReader, parser, options.MaxReceiveMessageSize, call.Encoding, "Received", call.LargeMessages);
        var request = await reader.ReadNextAsync(call.CancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.Unimplemented, $"A {call.Method.Type} call needs exactly one request message; none was sent.");
        if (await reader.ReadNextAsync(call.CancellationToken).ConfigureAwait(false) is not null)
        {
            throw new RpcException(StatusCode.Unimplemented, $"A {call.Method.Type} call needs exactly one request message; more than one was sent.");
        }

        return request;
    }
}
