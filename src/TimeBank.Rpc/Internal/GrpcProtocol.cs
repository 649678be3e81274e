namespace TimeBank.Rpc.Internal;

/// <summary>Names and values from the gRPC over HTTP/2 specification (grpc/grpc doc/PROTOCOL-HTTP2.md).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string StatusTrailer = "grpc-status";
    public const string MessageTrailer = "grpc-message";
    public const string StatusDetailsTrailer = "grpc-status-details-bin";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string TeHeader = "te";
    public const string IdentityEncoding = "identity";
    public const string GzipEncoding = "gzip";
    public const string SupportedEncodings = "identity,gzip";

    /// <summary>True for <c>application/grpc</c> and its <c>+proto</c>, <c>+json</c>... and <c>;charset</c> forms.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return contentType.Length == ContentType.Length || contentType[ContentType.Length] is '+' or ';';
    }

    /// <summary>Headers that are the protocol's own, not the caller's metadata.</summary>
    public static bool IsReservedHeader(string name)
        => name.StartsWith(':')
           || name.Equals("content-type", StringComparison.OrdinalIgnoreCase)
           || name.Equals(TeHeader, StringComparison.OrdinalIgnoreCase)
           || name.Equals("host", StringComparison.OrdinalIgnoreCase)
           || name.Equals("content-length", StringComparison.OrdinalIgnoreCase)
           || name.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase);
}
