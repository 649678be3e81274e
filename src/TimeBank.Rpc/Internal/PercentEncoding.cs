using System.Text;

namespace TimeBank.Rpc.Internal;

/// <summary>
/// <c>grpc-message</c> is the UTF-8 message with every byte outside 0x20-0x7E, and '%' itself, written as
/// %XX, so any text survives an HTTP/2 header.
/// </summary>
internal static class PercentEncoding
{
    public static string Encode(string value)
    {
        var needs = false;
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or '%')
            {
                needs = true;
                break;
            }
        }

        if (!needs)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is < 0x20 or > 0x7E or (byte)'%')
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append((char)b);
            }
        }

        return builder.ToString();
    }

    /// <summary>Decodes leniently: a malformed escape is kept as written, as the spec asks.</summary>
    public static string Decode(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length
                && Uri.IsHexDigit(value[i + 1]) && Uri.IsHexDigit(value[i + 2]))
            {
                bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                // Copy the whole run up to the next '%' at once: encoding char by char would split a
                // surrogate pair (e.g. an emoji) into two replacement characters instead of keeping it.
                var next = value.IndexOf('%', i + 1);
                var end = next < 0 ? value.Length : next;
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i..end]));
                i = end - 1;
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
