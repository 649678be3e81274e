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
    public static string? Encode(StatusCode code, string detail, string? reason, string? domain, IReadOnlyList<FieldViolation>? fieldViolations = null)
    {
        if (reason is null && fieldViolations is not { Count: > 0 })
        {
            return null;
        }

        var status = new Google.Rpc.Status { Code = (int)code, Message = detail };
        if (reason is not null)
        {
            status.Details.Add(Any.Pack(new ErrorInfo { Reason = reason, Domain = domain ?? "" }));
        }

        if (fieldViolations is { Count: > 0 })
        {
            var badRequest = new BadRequest();
            badRequest.FieldViolations.AddRange(fieldViolations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
            status.Details.Add(Any.Pack(badRequest));
        }

        return Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
    }

    /// <summary>The google.rpc.BadRequest field violations in <c>grpc-status-details-bin</c>; empty when there are none or it is malformed.</summary>
    public static IReadOnlyList<FieldViolation> DecodeFieldViolations(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return [];
        }

        try
        {
            var padded = value.PadRight(value.Length + ((4 - (value.Length % 4)) % 4), '=');
            var status = Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(padded));
            return status.Details
                .Select(d => d.TryUnpack<BadRequest>(out var bad) ? bad : null)
                .Where(bad => bad is not null)
                .SelectMany(bad => bad!.FieldViolations)
                .Select(v => new FieldViolation(v.Field, v.Description))
                .ToArray();
        }
        catch (Exception e) when (e is FormatException or InvalidProtocolBufferException)
        {
            return [];
        }
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
