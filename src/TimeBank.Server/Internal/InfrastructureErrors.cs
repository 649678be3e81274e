using TimeBank.Contracts.V1;
using TimeBank.Rpc;
using TimeBank.Storage;

namespace TimeBank.Server.Internal;

/// <summary>
/// Infrastructure faults a handler may throw, as statuses a client can act on: a conflict is worth an
/// immediate retry (ABORTED), a database outage a retry later (UNAVAILABLE). Retrying is safe because every
/// mutation is idempotent by request id.
/// </summary>
internal static class InfrastructureErrors
{
    public static RpcException? Map(Exception error) => error switch
    {
        StaleStateException => new RpcException(
            StatusCode.Aborted, "The record was changed by another writer at the same time; retry with the same request id.",
            ErrorReasons.ConcurrentUpdate.Code, ErrorReasons.Domain),
        StorageUnavailableException => new RpcException(
            StatusCode.Unavailable, "Storage is unavailable; nothing was changed. Retry with the same request id.",
            ErrorReasons.StorageUnavailable.Code, ErrorReasons.Domain),
        StorageRejectedException => new RpcException(
            StatusCode.Internal, "Storage refused the change as malformed; nothing was changed. This is a server fault, not the request's.",
            ErrorReasons.StorageRejected.Code, ErrorReasons.Domain),
        ObjectDisposedException => new RpcException(StatusCode.Unavailable, "The server is shutting down."),
        _ => null,
    };
}
