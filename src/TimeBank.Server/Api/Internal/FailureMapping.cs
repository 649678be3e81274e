using TimeBank.Contracts.V1;
using TimeBank.Grains;
using TimeBank.Rpc;

namespace TimeBank.Server.Api.Internal;

/// <summary>
/// The one mapping from a failure value to the wire: the reason's status, its rendered message (echoed
/// values cut short by the catalog), its code in a google.rpc.ErrorInfo, and the field it concerns in a
/// google.rpc.BadRequest. No RPC restates a rule.
/// </summary>
internal static class FailureMapping
{
    public static RpcException ToRpc(Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var message = failure.Message;
        return new RpcException(failure.Reason.Status, message, failure.Reason.Code, ErrorReasons.Domain)
        {
            // A reason about one request field names it, so a client can point at the field it must fix.
            FieldViolations = failure.Reason.Field is { } field ? [new FieldViolation(field, message)] : [],
        };
    }

    public static RpcException ToRpc(ErrorReason reason, params ReadOnlySpan<(string Name, object? Value)> facts) => ToRpc(Failure.Of(reason, facts));
}
