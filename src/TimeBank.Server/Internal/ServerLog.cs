using TimeBank.Rpc;

namespace TimeBank.Server.Internal;

internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "TimeBank listening on {Addresses} (gRPC over h2c); storage {Provider} at {Location}.")]
    public static partial void Started(ILogger logger, string addresses, string provider, string location);

    [LoggerMessage(2, LogLevel.Debug, "Call to {Method} from {Peer} answered {StatusCode} {Reason}.")]
    public static partial void CallRefused(ILogger logger, string method, StatusCode statusCode, string reason, string peer);
}
