using TimeBank.Contracts.V1;
using TimeBank.Grains;
using TimeBank.Rpc;
using TimeBank.Server.Auth;
using TimeBank.Server.Internal;

namespace TimeBank.Server.Api.Internal;

/// <summary>
/// Every call passes here, whatever its RPC: authentication, the role and field-scope checks of its
/// <see cref="RpcPolicy"/>, the policy's default deadline when the caller set none, then the handler;
/// logging and metrics on the way out. Handlers hold no such code.
/// </summary>
internal sealed class CallPipeline(Func<string?, Result<Caller>> authenticate, ApiMetrics metrics, ILogger logger, TimeProvider clock)
{
    public const string AuthorizationHeader = "authorization";

    public UnaryHandler<TRequest, TResponse> Wrap<TRequest, TResponse>(RpcPolicy policy, Func<TRequest, CallInfo, Task<TResponse>> handler)
        where TRequest : class, Google.Protobuf.IMessage<TRequest>
    {
        var scopeField = policy.Scope is ScopeRule.FieldScope field
            ? FieldReader<TRequest>(field.Field) ?? throw new InvalidOperationException($"{policy}: the scope field '{field.Field}' is not a string field of {typeof(TRequest).Name}.")
            : null;
        return async (request, context) =>
        {
            var started = clock.GetTimestamp();
            var status = StatusCode.OK;
            try
            {
                var info = Admit(policy, request, context, scopeField);
                var answer = handler(request, info);
                return context.Deadline is null && !answer.IsCompleted
                    ? await WithDefaultDeadline(answer, policy, context.CancellationToken)
                    : await answer;
            }
            catch (RpcException e)
            {
                status = e.StatusCode;
                ServerLog.CallRefused(logger, policy.Method.FullName, e.StatusCode, e.Reason ?? "", context.Peer);
                throw;
            }
            catch
            {
                status = StatusCode.Unknown;
                throw;
            }
            finally
            {
                metrics.Record(policy.Method.FullName, status, clock.GetElapsedTime(started));
            }
        };
    }

    /// <summary>A server-streaming call: the same admission; no default deadline (a stream lasts as long as the caller wants).</summary>
    public ServerStreamingHandler<TRequest, TResponse> WrapStreaming<TRequest, TResponse>(RpcPolicy policy, Func<TRequest, IServerStreamWriter<TResponse>, CallInfo, Task> handler)
        where TRequest : class, Google.Protobuf.IMessage<TRequest>
    {
        var scopeField = policy.Scope is ScopeRule.FieldScope field
            ? FieldReader<TRequest>(field.Field) ?? throw new InvalidOperationException($"{policy}: the scope field '{field.Field}' is not a string field of {typeof(TRequest).Name}.")
            : null;
        return async (request, writer, context) =>
        {
            var started = clock.GetTimestamp();
            var status = StatusCode.OK;
            try
            {
                await handler(request, writer, Admit(policy, request, context, scopeField));
            }
            catch (RpcException e)
            {
                status = e.StatusCode;
                ServerLog.CallRefused(logger, policy.Method.FullName, e.StatusCode, e.Reason ?? "", context.Peer);
                throw;
            }
            catch
            {
                status = context.CancellationToken.IsCancellationRequested ? StatusCode.Cancelled : StatusCode.Unknown;
                throw;
            }
            finally
            {
                metrics.Record(policy.Method.FullName, status, clock.GetElapsedTime(started));
            }
        };
    }

    /// <summary>The policy's deadline for a caller that set none; a timeout thrown by the handler itself passes through.</summary>
    private async Task<TResponse> WithDefaultDeadline<TResponse>(Task<TResponse> answer, RpcPolicy policy, CancellationToken cancellationToken)
    {
        try
        {
            return await answer.WaitAsync(policy.DefaultDeadline, clock, cancellationToken);
        }
        catch (TimeoutException) when (!answer.IsCompleted)
        {
            _ = answer.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new RpcException(StatusCode.DeadlineExceeded,
                $"No answer within the default deadline of {policy.DefaultDeadline.TotalSeconds:0.#} s; the work may still complete: retry with the same request id.");
        }
    }

    private CallInfo Admit<TRequest>(RpcPolicy policy, TRequest request, ServerCallContext context, Func<TRequest, string>? scopeField)
    {
        if (policy.Public)
        {
            return new CallInfo(policy, null, context);
        }

        var authenticated = authenticate(context.GetRequestHeader(AuthorizationHeader));
        if (!authenticated.Succeeded)
        {
            throw FailureMapping.ToRpc(authenticated.Failure);
        }

        var caller = authenticated.Value;
        if (!policy.Roles.Contains(caller.Role))
        {
            throw FailureMapping.ToRpc(ErrorReasons.RoleNotAllowed, ("role", RoleNames.Of(caller.Role)), ("method", policy.Method.FullName));
        }

        if (scopeField is not null && !Scopes.Covers(caller, scopeField(request)))
        {
            throw FailureMapping.ToRpc(ErrorReasons.OutOfScope, ("scope", caller.Scope), ("what", "community"));
        }

        return new CallInfo(policy, caller, context);
    }

    private static Func<TRequest, string>? FieldReader<TRequest>(string name)
        where TRequest : class, Google.Protobuf.IMessage<TRequest>
    {
        var descriptor = ((Google.Protobuf.IMessage)Activator.CreateInstance<TRequest>()).Descriptor;
        var field = descriptor.FindFieldByName(name);
        return field is { FieldType: Google.Protobuf.Reflection.FieldType.String, IsRepeated: false }
            ? request => (string)field.Accessor.GetValue((Google.Protobuf.IMessage)request)
            : null;
    }
}
