namespace TimeBank.Rpc;

/// <summary>
/// A call ended with a non-OK status. On the server, throw it from a handler to choose the status; on the
/// client, it is what a failed call throws. <see cref="Reason"/> is the machine-readable reason carried as a
/// google.rpc.ErrorInfo in grpc-status-details-bin.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException()
        : this(StatusCode.Unknown, "Unknown error.")
    {
    }

    public RpcException(string message)
        : this(StatusCode.Unknown, message)
    {
    }

    public RpcException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = StatusCode.Unknown;
        Detail = message;
    }

    public RpcException(StatusCode statusCode, string detail, string? reason = null, string? domain = null)
        : base($"Status(StatusCode=\"{statusCode}\", Detail=\"{detail}\"{(reason is null ? "" : $", Reason=\"{reason}\"")})")
    {
        StatusCode = statusCode;
        Detail = detail;
        Reason = reason;
        Domain = domain;
    }

    public StatusCode StatusCode { get; }

    public string Detail { get; } = "";

    public string? Reason { get; }

    public string? Domain { get; }

    /// <summary>The request fields at fault (google.rpc.BadRequest); empty when the status names none.</summary>
    public IReadOnlyList<FieldViolation> FieldViolations { get; init; } = [];
}
