namespace TimeBank.Rpc.Internal;

/// <summary>A registered method and how its calls are carried out, by method type.</summary>
internal abstract class ServerMethod(IMethod method)
{
    public IMethod Method { get; } = method;

    /// <summary>Reads the request(s), runs the handler, writes the response(s). Throws to end with an error.</summary>
    public abstract Task HandleAsync(GrpcCall call, GrpcServerOptions options);
}
