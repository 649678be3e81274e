namespace TimeBank.Rpc;

public sealed class GrpcServerOptions
{
    /// <summary>The gRPC default: 4 MiB. A larger request message is refused with RESOURCE_EXHAUSTED.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    public int MaxReceiveMessageSize { get; set; } = DefaultMaxReceiveMessageSize;

    /// <summary>
    /// Turns an exception a handler threw into a status (e.g. a storage conflict into ABORTED). Return null to
    /// fall back to UNKNOWN, which never shows the exception's text to the caller.
    /// </summary>
    public Func<Exception, RpcException?>? ExceptionMapper { get; set; }
}
