using Microsoft.Extensions.Logging;

namespace TimeBank.Rpc.Internal;

internal static partial class RpcLog
{
    [LoggerMessage(1, LogLevel.Error, "Handler of {Method} threw; the caller gets {StatusCode}.")]
    public static partial void HandlerFailed(ILogger logger, string method, StatusCode statusCode, Exception exception);

    [LoggerMessage(2, LogLevel.Debug, "Call to unknown method {Path}.")]
    public static partial void Unimplemented(ILogger logger, string path);

    [LoggerMessage(3, LogLevel.Debug, "Request with content type {ContentType} refused with 415.")]
    public static partial void UnsupportedContentType(ILogger logger, string? contentType);

    [LoggerMessage(4, LogLevel.Debug, "Ignored malformed grpc-timeout {Value}.")]
    public static partial void InvalidTimeout(ILogger logger, string value);

    // ABORTED is what contention looks like (a write that lost a race; the caller retries under the same request id):
    // worth a line, not an error with a stack trace, or the errors an operator must read drown in it.
    [LoggerMessage(6, LogLevel.Information, "Handler of {Method} met a conflict ({Conflict}); the caller gets {StatusCode} and may retry.")]
    public static partial void HandlerConflict(ILogger logger, string method, string conflict, StatusCode statusCode);

    [LoggerMessage(5, LogLevel.Debug, "Call to {Method} ended: {StatusCode} {Detail}.")]
    public static partial void CallEnded(ILogger logger, string method, StatusCode statusCode, string detail);
}
