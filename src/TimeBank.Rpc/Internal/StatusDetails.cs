using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;

namespace TimeBank.Rpc.Internal;

/// <summary>
/// The rich error model: a google.rpc.Status holding a google.rpc.ErrorInfo, base64 in
/// <c>grpc-status-details-bin</c>. Clients that know it read the reason; others still see code and message.
/// </summary>
internal static class StatusDetails
{
    public static string? Encode(StatusCode code, string detail, string? reason, string? domain)
    {
        if (reason is null)
        {
            return null;
        }

        var status = new Google.Rpc.Status { Code = (int)code, Message = detail };
        status.Details.Add(Any.Pack(new ErrorInfo { Reason = reason, Domain = domain ?? "" }));
        return Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
    }

    public static (string? Reason, string? Domain) Decode(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return (null, null);
        }

        try
        {
            var padded = value.PadRight(value.Length + ((4 - (value.Length % 4)) % 4), '=');
            var status = Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(padded));
            foreach (var detail in status.Details)
            {
                if (detail.TryUnpack<ErrorInfo>(out var info))
                {
                    // proto3 cannot tell an empty string from an absent one; absent is the truer reading.
                    return (info.Reason, info.Domain.Length == 0 ? null : info.Domain);
                }
            }
        }
        catch (Exception e) when (e is FormatException or Google.Protobuf.InvalidProtocolBufferException)
        {
            // Details are extra; a malformed trailer leaves the status itself intact.
        }

        return (null, null);
    }
}
