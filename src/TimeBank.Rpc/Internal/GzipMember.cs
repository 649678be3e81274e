using System.Buffers.Binary;
using System.IO.Compression;

namespace TimeBank.Rpc.Internal;

/// <summary>
/// Reads a compressed gRPC message as exactly one gzip member (RFC 1952): header, deflate data, then the
/// CRC-32 and size of what it holds. A ledger must not act on part of a request, and a plain GZipStream
/// returns what it could read of a truncated member, so here the member is taken apart by hand and its
/// CRC-32 and size must match the decompressed bytes, or the message is refused.
/// </summary>
internal static class GzipMember
{
    private const int TrailerSize = 8; // CRC32 then ISIZE, both little-endian
    private const byte FlagHeaderCrc = 2;
    private const byte FlagExtra = 4;
    private const byte FlagName = 8;
    private const byte FlagComment = 16;
    private const byte ReservedFlags = 0xE0;

    /// <summary>The member's content; <see cref="InvalidDataException"/> (with why) when it is not one whole member.</summary>
    /// <exception cref="MessageTooLargeException">The content is over <paramref name="maxSize"/> bytes.</exception>
    public static byte[] Decompress(byte[] member, int maxSize)
    {
        var body = BodyStart(member);
        if (member.Length - body < TrailerSize + 2)
        {
            throw new InvalidDataException("the gzip member is truncated (no deflate data and trailer after its header)");
        }

        // GZipStream reads every member it finds and stops quietly where the data is cut; so all it yields
        // must match the one trailer at the very end: a cut member, a missing trailer or a second member
        // each leave content whose CRC-32 and size disagree with it.
        using var input = new MemoryStream(member, writable: false);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = gzip.Read(chunk, 0, chunk.Length)) > 0)
        {
            // The limit holds for the message, not its compressed form: no decompression bombs.
            if (output.Length + read > maxSize)
            {
                throw new MessageTooLargeException();
            }

            output.Write(chunk, 0, read);
        }

        var content = output.ToArray();
        var trailer = member.AsSpan(member.Length - TrailerSize);
        if (Crc32.Compute(content) != BinaryPrimitives.ReadUInt32LittleEndian(trailer)
            || (uint)content.Length != BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]))
        {
            throw new InvalidDataException("the gzip member is incomplete or not alone: its CRC-32 and size do not match its content");
        }

        return content;
    }

    private static int BodyStart(byte[] member)
    {
        if (member.Length < 10 || member[0] != 0x1F || member[1] != 0x8B)
        {
            throw new InvalidDataException(member.Length == 0 ? "the compressed message is empty" : "the message does not start with a gzip header");
        }

        if (member[2] != 8 || (member[3] & ReservedFlags) != 0)
        {
            throw new InvalidDataException("the gzip header names an unknown method or flags");
        }

        var flags = member[3];
        var at = 10;
        if ((flags & FlagExtra) != 0)
        {
            at = at + 2 <= member.Length ? at + 2 + BinaryPrimitives.ReadUInt16LittleEndian(member.AsSpan(at)) : int.MaxValue;
        }

        if ((flags & FlagName) != 0)
        {
            at = SkipZeroTerminated(member, at);
        }

        if ((flags & FlagComment) != 0)
        {
            at = SkipZeroTerminated(member, at);
        }

        if ((flags & FlagHeaderCrc) != 0)
        {
            at = at < int.MaxValue - 2 ? at + 2 : int.MaxValue;
        }

        return at <= member.Length ? at : throw new InvalidDataException("the gzip header is truncated");
    }

    private static int SkipZeroTerminated(byte[] member, int at)
    {
        if (at >= member.Length)
        {
            return int.MaxValue;
        }

        var zero = Array.IndexOf(member, (byte)0, at);
        return zero < 0 ? int.MaxValue : zero + 1;
    }
}

/// <summary>Decompressed content over the receive limit.</summary>
internal sealed class MessageTooLargeException : Exception
{
    public MessageTooLargeException()
        : base("The decompressed message is over the receive limit.")
    {
    }

    public MessageTooLargeException(string message)
        : base(message)
    {
    }

    public MessageTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
