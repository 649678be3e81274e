namespace TimeBank.Rpc;

public sealed class GrpcServerOptions
{
    /// <summary>The gRPC default: 4 MiB. A larger request message is refused with RESOURCE_EXHAUSTED.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    public int MaxReceiveMessageSize { get; set; } = DefaultMaxReceiveMessageSize;

    /// <summary>A request message declared larger than this (64 KiB by default) is a large one.</summary>
    public int LargeMessageThreshold { get; set; } = 64 * 1024;

    /// <summary>
    /// How many large request messages are read and parsed at once (4 by default); the others wait for a
    /// permit, bounded by their deadline. With the defaults and unknown fields dropped while parsing, large
    /// requests hold at most about 4 x (4 MiB of bytes + their parsed messages), some tens of MiB, however
    /// many arrive together.
    /// </summary>
    public int MaxConcurrentLargeMessages { get; set; } = 4;

    /// <summary>
    /// Turns an exception a handler threw into a status (e.g. a storage conflict into ABORTED). Return null to
    /// fall back to UNKNOWN, which never shows the exception's text to the caller.
    /// </summary>
    public Func<Exception, RpcException?>? ExceptionMapper { get; set; }
}
