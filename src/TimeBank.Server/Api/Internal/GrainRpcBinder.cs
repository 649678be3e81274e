using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using TimeBank.Contracts.V1;
using TimeBank.Grains;
using TimeBank.Rpc;
using TimeBank.Runtime;

namespace TimeBank.Server.Api.Internal;

/// <summary>
/// Turns a policy entry that names a grain into a handler, by convention: RPC <c>DepositHours</c> calls
/// <c>DepositHoursAsync</c> on the grain keyed by the policy's key field; the method's one parameter (a
/// command record) is built from the request by <see cref="MessageMapper"/>; its <c>Result&lt;T&gt;</c>
/// becomes the response or, through <see cref="FailureMapping"/>, a status. Everything is resolved and
/// checked when the server starts.
/// </summary>
internal static class GrainRpcBinder
{
    private static readonly MethodInfo BindUnaryMethod = typeof(GrainRpcBinder).GetMethod(nameof(BindUnary), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>A handler for <paramref name="policy"/>, typed <c>Func&lt;TRequest, CallInfo, Task&lt;TResponse&gt;&gt;</c>.</summary>
    public static Delegate Bind(RpcPolicy policy, IGrainFactory grains)
    {
        var grainInterface = policy.GrainInterface ?? throw new ArgumentException($"{policy} names no grain.", nameof(policy));
        if (policy.Method.Type != MethodType.Unary)
        {
            throw new InvalidOperationException($"{policy}: only unary RPCs are bound to grains by convention; give it a handler.");
        }

        var messages = policy.Method.GetType().GetGenericArguments(); // Method<TRequest, TResponse>
        var methodName = policy.Method.Name + "Async";
        var grainMethod = grainInterface.GetMethods().Concat(grainInterface.GetInterfaces().SelectMany(i => i.GetMethods()))
            .SingleOrDefault(m => m.Name == methodName)
            ?? throw new InvalidOperationException($"{policy}: {grainInterface.Name} has no method {methodName}.");
        var returns = grainMethod.ReturnType;
        if (!returns.IsGenericType || returns.GetGenericTypeDefinition() != typeof(Task<>)
            || returns.GetGenericArguments()[0] is not { IsGenericType: true } result || result.GetGenericTypeDefinition() != typeof(Result<>))
        {
            throw new InvalidOperationException($"{policy}: {grainInterface.Name}.{methodName} must return Task<Result<T>>.");
        }

        var parameters = grainMethod.GetParameters();
        if (parameters.Length > 1)
        {
            throw new InvalidOperationException($"{policy}: {grainInterface.Name}.{methodName} takes at most one command.");
        }

        var command = parameters.Length == 1 ? parameters[0].ParameterType : typeof(NoCommand);
        var payload = result.GetGenericArguments()[0];
        return (Delegate)BindUnaryMethod.MakeGenericMethod(messages[0], messages[1], grainInterface, command, payload)
            .Invoke(null, [policy, grains, grainMethod])!;
    }

    private static Func<TRequest, CallInfo, Task<TResponse>> BindUnary<TRequest, TResponse, TGrain, TCommand, TPayload>(
        RpcPolicy policy, IGrainFactory grains, MethodInfo grainMethod)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        where TGrain : IGrainWithStringKey
        where TPayload : class
    {
        var request = new TRequest().Descriptor;
        var keyField = request.FindFieldByName(policy.GrainKeyField!) is { FieldType: FieldType.String, IsRepeated: false } key
            ? key
            : throw new InvalidOperationException($"{policy}: key field '{policy.GrainKeyField}' is not a string field of {request.FullName}.");
        var invalidKey = ErrorReasons.All.FirstOrDefault(r => r.Code == "INVALID_" + keyField.Name.ToUpperInvariant())
            ?? throw new InvalidOperationException($"{policy}: the reason catalog has no INVALID_{keyField.Name.ToUpperInvariant()} for a malformed key.");
        var scopedByTarget = policy.Scope is ScopeRule.TargetScope;
        if (scopedByTarget && !typeof(IScopedGrain).IsAssignableFrom(typeof(TGrain)))
        {
            throw new InvalidOperationException($"{policy}: scoped by its target, but {typeof(TGrain).Name} is not an IScopedGrain.");
        }

        var ownerScope = policy.Scope as ScopeRule.OwnerScope;
        var ownerField = ownerScope is null ? null
            : request.FindFieldByName(ownerScope.Field) is { FieldType: FieldType.String, IsRepeated: false } owner ? owner
            : throw new InvalidOperationException($"{policy}: scope field '{ownerScope.Field}' is not a string field of {request.FullName}.");
        var invalidOwner = ownerField is null ? null
            : ErrorReasons.All.FirstOrDefault(r => r.Code == "INVALID_" + ownerField.Name.ToUpperInvariant())
              ?? throw new InvalidOperationException($"{policy}: the reason catalog has no INVALID_{ownerField.Name.ToUpperInvariant()} for a malformed id.");

        Func<TGrain, IMessage, Auth.Caller, Task<Result<TPayload>>> invoke;
        if (typeof(TCommand) == typeof(NoCommand))
        {
            EnsureOnlyKey(request, keyField, policy);
            var call = grainMethod.CreateDelegate<Func<TGrain, Task<Result<TPayload>>>>();
            invoke = (grain, _, _) => call(grain);
        }
        else
        {
            var makeCommand = MessageMapper.CommandFactory(request, typeof(TCommand), [keyField.Name]);
            if (policy.Mutates != typeof(TCommand).GetConstructors()[0].GetParameters().Any(p => p.ParameterType == typeof(RequestKey)))
            {
                throw new InvalidOperationException($"{policy}: a mutation's command carries a RequestKey, and only a mutation's does ({typeof(TCommand).Name}).");
            }

            var call = grainMethod.CreateDelegate<Func<TGrain, TCommand, Task<Result<TPayload>>>>();
            invoke = (grain, message, caller) => call(grain, (TCommand)makeCommand(message, caller));
        }

        var makeResponse = MessageMapper.ResponseFactory(new TResponse().Descriptor, typeof(TPayload));
        return async (message, info) =>
        {
            var key = (string)keyField.Accessor.GetValue(message);
            if (key.Length == 0 && policy.KeyWhenEmpty is { } whole)
            {
                key = whole; // the scope rule has already admitted only callers that reach everything
            }
            else if (!Identifiers.IsValidId(key))
            {
                throw FailureMapping.ToRpc(invalidKey, ("value", key)); // a malformed id never activates anything
            }

            var caller = info.RequireCaller();
            var grain = grains.GetGrain<TGrain>(key);
            if (scopedByTarget && !Scopes.CoversEverything(caller))
            {
                var owner = await ((IScopedGrain)grain).GetOwnerAsync();
                if (!Scopes.Covers(caller, owner))
                {
                    throw FailureMapping.ToRpc(ErrorReasons.OutOfScope, ("scope", caller.Scope), ("what", keyField.Name));
                }
            }

            if (ownerScope is not null && !Scopes.CoversEverything(caller))
            {
                var ownerKey = (string)ownerField!.Accessor.GetValue(message);
                if (!Identifiers.IsValidId(ownerKey))
                {
                    throw FailureMapping.ToRpc(invalidOwner!, ("value", ownerKey));
                }

                var owner = await ownerScope.Resolve(grains, ownerKey).GetOwnerAsync();
                if (!Scopes.Covers(caller, owner))
                {
                    throw FailureMapping.ToRpc(ErrorReasons.OutOfScope, ("scope", caller.Scope), ("what", ownerField.Name));
                }
            }

            var result = await invoke(grain, message, caller);
            return result.Succeeded ? (TResponse)makeResponse(result.Value) : throw FailureMapping.ToRpc(result.Failure);
        };
    }

    private static void EnsureOnlyKey(MessageDescriptor request, FieldDescriptor keyField, RpcPolicy policy)
    {
        if (request.Fields.InDeclarationOrder().FirstOrDefault(f => f != keyField) is { } extra)
        {
            throw new InvalidOperationException($"{policy}: {request.FullName}.{extra.Name} would be ignored: the grain method takes no command.");
        }
    }

    /// <summary>Stands for "the grain method takes no parameter".</summary>
    private sealed class NoCommand;
}
