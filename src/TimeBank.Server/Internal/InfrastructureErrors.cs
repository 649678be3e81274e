using TimeBank.Contracts.V1;
using TimeBank.Rpc;
using TimeBank.Runtime;
using TimeBank.Server.Api.Internal;
using TimeBank.Storage;

namespace TimeBank.Server.Internal;

/// <summary>
/// Infrastructure faults a handler may throw, as statuses a client can act on, through the same reason
/// catalog as domain failures: a conflict is worth an immediate retry (ABORTED), a database outage or a
/// step that did not answer a retry later (UNAVAILABLE). Retrying is safe because every mutation is
/// idempotent by request id. Anything else is UNKNOWN, and its text stays in the log.
/// </summary>
internal static class InfrastructureErrors
{
    public static RpcException? Map(Exception error) => error switch
    {
        StaleStateException or DuplicateRequestException => FailureMapping.ToRpc(ErrorReasons.ConcurrentUpdate),
        StorageUnavailableException => FailureMapping.ToRpc(ErrorReasons.StorageUnavailable),
        StorageRejectedException => FailureMapping.ToRpc(ErrorReasons.StorageRejected),
        GrainCallCycleException => FailureMapping.ToRpc(ErrorReasons.GrainCallCycle),
        GrainCallTimeoutException => FailureMapping.ToRpc(ErrorReasons.GrainCallTimeout),
        ObjectDisposedException => FailureMapping.ToRpc(ErrorReasons.ShuttingDown),
        _ => null,
    };
}
