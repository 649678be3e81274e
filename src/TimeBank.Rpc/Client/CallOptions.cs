namespace TimeBank.Rpc.Client;

/// <summary>Per-call settings: a timeout (sent as <c>grpc-timeout</c>), metadata, and cancellation.</summary>
public readonly record struct CallOptions(
    TimeSpan? Timeout = null,
    IReadOnlyList<KeyValuePair<string, string>>? Headers = null,
    CancellationToken CancellationToken = default);
