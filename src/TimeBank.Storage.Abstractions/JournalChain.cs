using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace TimeBank.Storage;

/// <summary>
/// The journal's tamper evidence. Each grain's rows form a chain: a row's hash is SHA-256 over the previous
/// row's hash (32 zero bytes before the first) and the row's own content in one fixed encoding. Changing,
/// removing or inserting a row breaks the chain at that row, unless every later hash and the grain's
/// recorded head are forged too.
/// </summary>
public static class JournalChain
{
    public const int HashLength = 32;

    /// <summary>What the first row of every chain follows.</summary>
    public static ReadOnlyMemory<byte> Genesis { get; } = new byte[HashLength];

    // Changing the encoding changes every hash: a new encoding needs a new tag and a migration.
    private static readonly byte[] EncodingTag = "timebank-journal-v1"u8.ToArray();

    /// <summary>The hash of <paramref name="entry"/> following <paramref name="previous"/> in <paramref name="grainId"/>'s chain.</summary>
    public static byte[] Next(ReadOnlySpan<byte> previous, string grainId, JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(grainId);
        ArgumentNullException.ThrowIfNull(entry);
        if (previous.Length != HashLength)
        {
            throw new ArgumentException($"A chain hash is {HashLength} bytes.", nameof(previous));
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.Write(previous);
        buffer.Write(EncodingTag);
        WriteString(buffer, grainId);
        WriteInt64(buffer, entry.Sequence);
        WriteString(buffer, entry.RequestId);
        WriteInt64(buffer, entry.Leg);
        WriteInt64(buffer, entry.Ledger);
        WriteString(buffer, entry.DebitAccount);
        WriteString(buffer, entry.CreditAccount);
        WriteInt64(buffer, entry.Amount);
        WriteInt64(buffer, entry.Code);
        WriteInt64(buffer, entry.Kind);
        WriteString(buffer, entry.PendingId);
        WriteInt64(buffer, entry.TimeoutAt is { } timeout ? UnixMicroseconds.From(timeout) : long.MinValue);
        WriteString(buffer, entry.Category);
        WriteString(buffer, entry.Reference);
        WriteString(buffer, entry.Memo);
        WriteInt64(buffer, entry.BalanceAfter);
        WriteInt64(buffer, UnixMicroseconds.From(entry.RecordedAt));
        WriteString(buffer, entry.ActorKeyId);
        WriteInt64(buffer, entry.PolicyVersion);
        WriteBytes(buffer, entry.RequestHash.Span);
        return SHA256.HashData(buffer.WrittenSpan);
    }

    /// <summary>Gives each row its chain hash, following <paramref name="previous"/>; returns the new head.</summary>
    public static ReadOnlyMemory<byte> Link(ReadOnlyMemory<byte> previous, string grainId, IList<JournalEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        for (var i = 0; i < entries.Count; i++)
        {
            var hash = Next(previous.Span, grainId, entries[i]);
            entries[i] = entries[i] with { ChainHash = hash };
            previous = hash;
        }

        return previous;
    }

    private static void WriteInt64(ArrayBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteInt64(buffer, length);
        Encoding.UTF8.GetBytes(value, buffer.GetSpan(length));
        buffer.Advance(length);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> value)
    {
        WriteInt64(buffer, value.Length);
        buffer.Write(value);
    }
}
