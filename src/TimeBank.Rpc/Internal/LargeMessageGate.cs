namespace TimeBank.Rpc.Internal;

/// <summary>
/// Lets at most <see cref="GrpcServerOptions.MaxConcurrentLargeMessages"/> requests over
/// <see cref="GrpcServerOptions.LargeMessageThreshold"/> be read and parsed at once; the others wait (their
/// streams stall at HTTP/2 flow control, holding no more than Kestrel's stream window) until a permit is
/// free or their call ends. So what large requests can cost the server is bounded whatever the number of
/// callers.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Lives as long as the server; a SemaphoreSlim whose wait handle is never asked for holds nothing to dispose.")]
internal sealed class LargeMessageGate(GrpcServerOptions options)
{
    private readonly SemaphoreSlim _permits = new(options.MaxConcurrentLargeMessages, options.MaxConcurrentLargeMessages);

    public int Threshold { get; } = options.LargeMessageThreshold;

    public Task WaitAsync(CancellationToken cancellationToken) => _permits.WaitAsync(cancellationToken);

    public void Release() => _permits.Release();
}
