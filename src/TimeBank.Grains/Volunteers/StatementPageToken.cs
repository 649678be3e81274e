using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TimeBank.Grains.Volunteers;

/// <summary>
/// The opaque page token of a statement: the newest journal sequence the next page reads from, bound to the
/// volunteer and the filters that made it. The binding is why a token cannot continue another volunteer's
/// walk or the same walk under other filters (its lines would not follow the earlier pages). It needs no
/// secret: a caller who forges one only chooses where to start reading a statement it may read anyway.
/// </summary>
internal static class StatementPageToken
{
    private const byte Version = 1;
    private const int BindingLength = 12;
    private const int TokenLength = 1 + sizeof(long) + BindingLength;

    /// <summary>Longer text is refused before it is decoded.</summary>
    private const int MaxTextLength = 64;

    public static string Encode(long nextSequence, string grainId, GetStatement query)
    {
        Span<byte> token = stackalloc byte[TokenLength];
        token[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(token[1..], nextSequence);
        Binding(grainId, query).CopyTo(token[(1 + sizeof(long))..]);
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The sequence a token says to read from, when it is one of ours for this volunteer and these filters.</summary>
    public static bool TryDecode(string text, string grainId, GetStatement query, out long nextSequence)
    {
        nextSequence = 0;
        Span<byte> token = stackalloc byte[TokenLength + 3]; // room to notice a token that decodes too long
        if (text.Length > MaxTextLength
            || Base64Url.DecodeFromChars(text, token, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != TokenLength
            || token[0] != Version
            || !token.Slice(1 + sizeof(long), BindingLength).SequenceEqual(Binding(grainId, query)))
        {
            return false;
        }

        nextSequence = BinaryPrimitives.ReadInt64BigEndian(token[1..]);
        return nextSequence > 0;
    }

    /// <summary>A short hash of the volunteer and every filter (not the page size, which may change between pages).</summary>
    private static byte[] Binding(string grainId, GetStatement query)
    {
        // Newline-separated: neither an id nor a valid category holds one, so distinct inputs read distinctly.
        var text = string.Join('\n',
            grainId,
            query.Ledger is { } ledger ? ((int)ledger).ToString(CultureInfo.InvariantCulture) : "",
            query.Code is { } code ? ((int)code).ToString(CultureInfo.InvariantCulture) : "",
            query.Category,
            query.FromTime is { } from ? from.UtcTicks.ToString(CultureInfo.InvariantCulture) : "",
            query.ToTime is { } to ? to.UtcTicks.ToString(CultureInfo.InvariantCulture) : "");
        return SHA256.HashData(Encoding.UTF8.GetBytes(text))[..BindingLength];
    }
}
