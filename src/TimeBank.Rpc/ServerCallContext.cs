namespace TimeBank.Rpc;

/// <summary>
/// What a handler knows about its call. Request headers are copied out of the HTTP request up front, so a
/// handler still running after its deadline never touches a recycled connection.
/// </summary>
public sealed class ServerCallContext
{
    private readonly IReadOnlyList<KeyValuePair<string, string>> _requestHeaders;

    internal ServerCallContext(string method, string peer, DateTimeOffset? deadline, IReadOnlyList<KeyValuePair<string, string>> requestHeaders, CancellationToken cancellationToken)
    {
        Method = method;
        Peer = peer;
        Deadline = deadline;
        _requestHeaders = requestHeaders;
        CancellationToken = cancellationToken;
    }

    /// <summary>The <c>:path</c> called, e.g. <c>/timebank.v1.VolunteerService/DepositHours</c>.</summary>
    public string Method { get; }

    /// <summary>The caller's address, e.g. <c>ipv4:127.0.0.1:51234</c>.</summary>
    public string Peer { get; }

    /// <summary>When the caller stops waiting, from <c>grpc-timeout</c>; null when it sent none.</summary>
    public DateTimeOffset? Deadline { get; }

    /// <summary>Cancelled when the deadline passes or the caller goes away.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The request's custom metadata (lower-case names), without the protocol's own headers.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> RequestHeaders => _requestHeaders;

    /// <summary>Extra trailers to send with the status (lower-case names; not <c>grpc-*</c>).</summary>
    public IDictionary<string, string> ResponseTrailers { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public string? GetRequestHeader(string name)
    {
        foreach (var (key, value) in _requestHeaders)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
