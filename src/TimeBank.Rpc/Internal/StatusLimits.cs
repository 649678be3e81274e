using System.Text;

namespace TimeBank.Rpc.Internal;

/// <summary>
/// How large an ending status may be, whatever the handler or the request put in it: the message is cut
/// to <see cref="MaxMessageBytes"/> UTF-8 bytes (marked), reasons and domains to
/// <see cref="MaxTokenLength"/> characters, field violations to <see cref="MaxFieldViolations"/>, and the
/// extra trailers to what is left of <see cref="MaxErrorMetadataBytes"/>. Percent-encoding can triple the
/// message and base64 adds a third to the details, so a status's headers stay well under 8 KiB.
/// </summary>
internal static class StatusLimits
{
    public const int MaxMessageBytes = 1024;
    public const int MaxTokenLength = 128;
    public const int MaxFieldViolations = 8;
    public const int MaxErrorMetadataBytes = 8 * 1024;
    private const string CutMarker = "...(cut)";

    public static string CutMessage(string detail)
    {
        if (Encoding.UTF8.GetByteCount(detail) <= MaxMessageBytes)
        {
            return detail;
        }

        var keep = new StringBuilder(MaxMessageBytes);
        var bytes = 0;
        foreach (var rune in detail.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > MaxMessageBytes - CutMarker.Length)
            {
                break;
            }

            keep.Append(rune.ToString());
        }

        return keep.Append(CutMarker).ToString();
    }

    public static string? CutToken(string? value) => value is { Length: > MaxTokenLength } ? value[..MaxTokenLength] : value;

    public static IReadOnlyList<FieldViolation>? CutViolations(IReadOnlyList<FieldViolation>? violations)
        => violations?.Take(MaxFieldViolations)
            .Select(v => new FieldViolation(CutToken(v.Field)!, CutMessage(v.Description).Length > 256 ? CutMessage(v.Description)[..256] : v.Description))
            .ToArray();
}
