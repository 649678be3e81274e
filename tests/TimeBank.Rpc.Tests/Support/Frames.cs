using System.Buffers.Binary;
using System.IO.Compression;
using Google.Protobuf;

namespace TimeBank.Rpc.Tests.Support;

/// <summary>
/// Length-prefixed frames built by hand from the spec (flag byte, 4-byte big-endian length, payload),
/// not with the code under test, so a mistake there cannot cancel out in the tests.
/// </summary>
internal static class Frames
{
    public static byte[] Build(byte flag, byte[] payload) => Header(flag, (uint)payload.Length).Concat(payload).ToArray();

    public static byte[] Header(byte flag, uint declaredLength)
    {
        var header = new byte[5];
        header[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), declaredLength);
        return header;
    }

    public static byte[] Plain(IMessage message) => Build(0, message.ToByteArray());

    public static byte[] Gzipped(IMessage message) => Build(1, Gzip(message.ToByteArray()));

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
