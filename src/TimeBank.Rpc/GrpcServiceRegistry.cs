using System.Collections.Frozen;
using Google.Protobuf;
using TimeBank.Rpc.Internal;

namespace TimeBank.Rpc;

public delegate Task<TResponse> UnaryHandler<in TRequest, TResponse>(TRequest request, ServerCallContext context);

public delegate Task ServerStreamingHandler<in TRequest, out TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context);

/// <summary>The methods a server answers, by <c>:path</c>. Anything else is UNIMPLEMENTED.</summary>
public sealed class GrpcServiceRegistry
{
    private readonly Dictionary<string, ServerMethod> _methods = new(StringComparer.Ordinal);
    private FrozenDictionary<string, ServerMethod>? _frozen;

    public IEnumerable<IMethod> Methods => _methods.Values.Select(m => m.Method);

    public GrpcServiceRegistry AddUnary<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(handler);
        EnsureType(method, MethodType.Unary);
        return Add(new UnaryServerMethod<TRequest, TResponse>(method, handler));
    }

    public GrpcServiceRegistry AddServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(handler);
        EnsureType(method, MethodType.ServerStreaming);
        return Add(new ServerStreamingServerMethod<TRequest, TResponse>(method, handler));
    }

    internal bool TryFind(string path, out ServerMethod method)
    {
        var methods = _frozen ??= _methods.ToFrozenDictionary(StringComparer.Ordinal);
        return methods.TryGetValue(path, out method!);
    }

    private static void EnsureType(IMethod method, MethodType expected)
    {
        if (method.Type != expected)
        {
            throw new ArgumentException($"{method.FullName} is {method.Type}, not {expected}.", nameof(method));
        }
    }

    private GrpcServiceRegistry Add(ServerMethod method)
    {
        if (_frozen is not null)
        {
            throw new InvalidOperationException("Methods are added before the server takes its first call.");
        }

        if (!_methods.TryAdd(method.Method.FullName, method))
        {
            throw new InvalidOperationException($"{method.Method.FullName} is already registered.");
        }

        return this;
    }
}
