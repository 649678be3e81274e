using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace TimeBank.Rpc.Internal;

internal enum FrameStatus
{
    /// <summary>A whole frame was taken off the front of the buffer.</summary>
    Complete,

    /// <summary>The buffer ends inside a frame (or before one starts): read more.</summary>
    Incomplete,

    /// <summary>The frame declares a message over the receive limit.</summary>
    TooLarge,

    /// <summary>The first byte is neither 0 (plain) nor 1 (compressed).</summary>
    InvalidFlag,
}

/// <summary>
/// The gRPC length-prefixed message: one flag byte (compressed or not), a 4-byte big-endian length, then
/// the message. Pure functions over buffers, so split and joined frames are tested without a socket.
/// </summary>
internal static class MessageFraming
{
    public const int HeaderSize = 5;

    /// <summary>Takes one frame off the front of <paramref name="buffer"/> when it is all there.</summary>
    /// <remarks>The limit is checked on the declared length, before the message arrives, so an oversize
    /// message is refused without buffering it.</remarks>
    public static FrameStatus TryReadFrame(
        ref ReadOnlySequence<byte> buffer, int maxMessageSize, out bool compressed, out ReadOnlySequence<byte> message, out long declaredLength)
    {
        compressed = false;
        message = default;
        declaredLength = 0;
        if (buffer.Length < HeaderSize)
        {
            return FrameStatus.Incomplete;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        if (header[0] > 1)
        {
            return FrameStatus.InvalidFlag;
        }

        declaredLength = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (declaredLength > maxMessageSize)
        {
            return FrameStatus.TooLarge;
        }

        if (buffer.Length - HeaderSize < declaredLength)
        {
            return FrameStatus.Incomplete;
        }

        compressed = header[0] == 1;
        message = buffer.Slice(HeaderSize, declaredLength);
        buffer = buffer.Slice(HeaderSize + declaredLength);
        return FrameStatus.Complete;
    }

    public static void WriteHeader(Span<byte> destination, bool compressed, int length)
    {
        destination[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], checked((uint)length));
    }

    /// <summary>Writes an uncompressed frame holding <paramref name="message"/>.</summary>
    public static void WriteMessage(IBufferWriter<byte> writer, IMessage message)
    {
        var size = message.CalculateSize();
        WriteHeader(writer.GetSpan(HeaderSize), compressed: false, size);
        writer.Advance(HeaderSize);
        if (size > 0)
        {
            message.WriteTo(writer);
        }
    }

    public static byte[] ToFrame(IMessage message)
    {
        var size = message.CalculateSize();
        var frame = new byte[HeaderSize + size];
        WriteHeader(frame, compressed: false, size);
        message.WriteTo(frame.AsSpan(HeaderSize));
        return frame;
    }
}
