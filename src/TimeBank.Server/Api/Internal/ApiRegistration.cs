using System.Reflection;
using Google.Protobuf;
using TimeBank.Rpc;
using TimeBank.Runtime;

namespace TimeBank.Server.Api.Internal;

/// <summary>
/// Registers every RPC of <see cref="ApiPolicy"/> with the gRPC server, each behind the one
/// <see cref="CallPipeline"/>: grain RPCs bound by convention, the rest by the handlers given here. An entry
/// without a way to carry it out, or a handler without an entry, stops the start.
/// </summary>
internal sealed class ApiRegistration(IGrainFactory grains, CallPipeline pipeline)
{
    private static readonly MethodInfo AddUnaryMethod = typeof(ApiRegistration).GetMethod(nameof(AddUnary), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly MethodInfo AddStreamingMethod = typeof(ApiRegistration).GetMethod(nameof(AddServerStreaming), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private readonly Dictionary<string, Delegate> _handlers = new(StringComparer.Ordinal);

    /// <summary>The handler of a unary RPC that no grain carries out.</summary>
    public ApiRegistration Handle<TRequest, TResponse>(Method<TRequest, TResponse> method, Func<TRequest, CallInfo, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => AddHandler(method, handler);

    /// <summary>The handler of a server-streaming RPC.</summary>
    public ApiRegistration HandleStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, Func<TRequest, IServerStreamWriter<TResponse>, CallInfo, Task> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => AddHandler(method, handler);

    public void AddTo(GrpcServiceRegistry registry, IReadOnlyList<RpcPolicy> policies)
    {
        var problems = new List<string>();
        var unused = new HashSet<string>(_handlers.Keys, StringComparer.Ordinal);
        foreach (var policy in policies)
        {
            try
            {
                Delegate handler;
                if (policy.GrainInterface is not null)
                {
                    handler = GrainRpcBinder.Bind(policy, grains);
                }
                else if (_handlers.TryGetValue(policy.Method.FullName, out var given))
                {
                    handler = given;
                    unused.Remove(policy.Method.FullName);
                }
                else
                {
                    problems.Add($"{policy}: no grain named and no handler given.");
                    continue;
                }

                if (!policy.Public && policy.Roles.Count == 0)
                {
                    problems.Add($"{policy}: no role may call it; list the roles or mark it Open().");
                    continue;
                }

                var types = policy.Method.GetType().GetGenericArguments();
                var add = policy.Method.Type == MethodType.ServerStreaming ? AddStreamingMethod : AddUnaryMethod;
                add.MakeGenericMethod(types).Invoke(this, [registry, policy, handler]);
            }
            catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException inner)
            {
                problems.Add(inner.Message);
            }
            catch (InvalidOperationException e)
            {
                problems.Add(e.Message);
            }
        }

        problems.AddRange(unused.Select(path => $"{path} has a handler but no entry in ApiPolicy: say who may call it."));
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The API cannot start:\n  " + string.Join("\n  ", problems));
        }
    }

    private ApiRegistration AddHandler(IMethod method, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(handler);
        if (!_handlers.TryAdd(method.FullName, handler))
        {
            throw new InvalidOperationException($"{method.FullName} already has a handler.");
        }

        return this;
    }

    private void AddUnary<TRequest, TResponse>(GrpcServiceRegistry registry, RpcPolicy policy, Delegate handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => registry.AddUnary((Method<TRequest, TResponse>)policy.Method, pipeline.Wrap(policy, (Func<TRequest, CallInfo, Task<TResponse>>)handler));

    private void AddServerStreaming<TRequest, TResponse>(GrpcServiceRegistry registry, RpcPolicy policy, Delegate handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => registry.AddServerStreaming((Method<TRequest, TResponse>)policy.Method, pipeline.WrapStreaming(policy, (Func<TRequest, IServerStreamWriter<TResponse>, CallInfo, Task>)handler));
}
