using TimeBank.Contracts.V1;
using TimeBank.Rpc;

namespace TimeBank.Server.Internal;

/// <summary>Domain failures as gRPC statuses, each with its machine-readable reason.</summary>
internal static class Errors
{
    public static RpcException InvalidArgument(string reason, string detail) => new(StatusCode.InvalidArgument, detail, reason, ErrorReasons.Domain);

    public static RpcException NotFound(string reason, string detail) => new(StatusCode.NotFound, detail, reason, ErrorReasons.Domain);

    public static RpcException AlreadyExists(string reason, string detail) => new(StatusCode.AlreadyExists, detail, reason, ErrorReasons.Domain);
}
