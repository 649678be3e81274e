using TimeBank.Contracts.V1;
using TimeBank.Grains;
using TimeBank.Rpc;

namespace TimeBank.Server.Api.Internal;

/// <summary>
/// The one mapping from a failure value to the wire: the reason's status, its rendered message (echoed
/// values cut short by the catalog), and its code in a google.rpc.ErrorInfo. No RPC restates a rule.
/// </summary>
internal static class FailureMapping
{
    public static RpcException ToRpc(Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return new RpcException(failure.Reason.Status, failure.Message, failure.Reason.Code, ErrorReasons.Domain);
    }

    public static RpcException ToRpc(ErrorReason reason, params ReadOnlySpan<(string Name, object? Value)> facts) => ToRpc(Failure.Of(reason, facts));
}
