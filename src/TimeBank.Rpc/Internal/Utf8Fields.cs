using System.Text.Unicode;
using Google.Protobuf.Reflection;

namespace TimeBank.Rpc.Internal;

/// <summary>
/// Finds a string field whose bytes are not UTF-8, by walking a message's wire format against its
/// descriptor (nested messages and map entries included) before it is parsed. Google.Protobuf decodes
/// strings leniently, putting U+FFFD where bytes are invalid; a ledger must store exactly what it was sent
/// or refuse it, so the bytes are checked here, once, for every method. Malformed wire data is left for
/// the parser to refuse.
/// </summary>
internal static class Utf8Fields
{
    /// <summary>As deep as protobuf's own default recursion limit.</summary>
    private const int MaxDepth = 100;

    /// <summary>The path of the first string field that is not valid UTF-8 (e.g. <c>lines.item_id</c>), or null.</summary>
    public static string? FindInvalid(ReadOnlySpan<byte> message, MessageDescriptor descriptor) => Walk(message, descriptor, 0);

    private static string? Walk(ReadOnlySpan<byte> message, MessageDescriptor descriptor, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        var at = 0;
        while (at < message.Length)
        {
            if (!TryReadVarint(message, ref at, out var tag))
            {
                return null;
            }

            switch ((int)(tag & 7))
            {
                case 0:
                    if (!TryReadVarint(message, ref at, out _))
                    {
                        return null;
                    }

                    break;
                case 1:
                    at += 8;
                    break;
                case 5:
                    at += 4;
                    break;
                case 2:
                    if (!TryReadVarint(message, ref at, out var length) || length > (ulong)(message.Length - at))
                    {
                        return null;
                    }

                    var value = message.Slice(at, (int)length);
                    at += (int)length;
                    if (descriptor.FindFieldByNumber((int)(tag >> 3)) is { } field && Check(value, field, depth) is { } bad)
                    {
                        return bad;
                    }

                    break;
                default:
                    return null; // groups (long deprecated) or garbage: the parser decides
            }
        }

        return null;
    }

    private static string? Check(ReadOnlySpan<byte> value, FieldDescriptor field, int depth) => field.FieldType switch
    {
        FieldType.String => Utf8.IsValid(value) ? null : field.Name,
        FieldType.Message => Walk(value, field.MessageType, depth + 1) is { } inner
            ? field.IsMap ? $"{field.Name}.{(inner == "key" ? "key" : "value")}" : $"{field.Name}.{inner}"
            : null,
        _ => null, // packed numbers and bytes: any byte is fine
    };

    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int at, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && at < data.Length; shift += 7)
        {
            var b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
