using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace TimeBank.Rpc.Tests.Support;

/// <summary>
/// An HTTP/2 connection written by hand (RFC 9113), for what no client library sends: floods of PING,
/// SETTINGS or RST_STREAM frames, endless CONTINUATION, a zero window, a body trickled a byte at a time.
/// Request headers use HPACK's literal-without-indexing form with plain strings, which any decoder reads;
/// responses are judged by their frames (types, flags, DATA bytes, GOAWAY codes), never by decoding HPACK.
/// </summary>
internal sealed class RawHttp2Connection : IAsyncDisposable
{
    public const byte Data = 0x0, Headers = 0x1, RstStream = 0x3, Settings = 0x4, Ping = 0x6, GoAway = 0x7, WindowUpdate = 0x8, Continuation = 0x9;
    public const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4;

    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    private RawHttp2Connection(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <param name="initialWindowSize">Our SETTINGS_INITIAL_WINDOW_SIZE; 0 stops the server sending DATA until we say so.</param>
    public static async Task<RawHttp2Connection> ConnectAsync(Uri address, uint? initialWindowSize = null)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(address.Host, address.Port, TestContext.Current.CancellationToken);
        var connection = new RawHttp2Connection(tcp);
        await connection.WriteRawAsync(Preface);
        var settings = initialWindowSize is { } window ? Setting(0x4, window) : [];
        await connection.SendFrameAsync(Settings, 0, 0, settings);
        return connection;
    }

    /// <summary>True once a read found the connection closed by the server (not merely quiet).</summary>
    public bool Closed { get; private set; }

    public static byte[] Setting(ushort id, uint value)
    {
        var setting = new byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(setting, id);
        BinaryPrimitives.WriteUInt32BigEndian(setting.AsSpan(2), value);
        return setting;
    }

    /// <summary>A gRPC request's header block: :method POST, :scheme, :path, :authority, content-type, te.</summary>
    public static byte[] GrpcRequestHeaders(Uri address, string path, params (string Name, string Value)[] extra)
    {
        var block = new List<byte>();
        foreach (var (name, value) in new[] { (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", $"{address.Host}:{address.Port}"), ("content-type", "application/grpc"), ("te", "trailers") }.Concat(extra))
        {
            block.Add(0x00); // literal header field without indexing, new name
            AppendString(block, name);
            AppendString(block, value);
        }

        return [.. block];
    }

    public async Task SendFrameAsync(byte type, byte flags, int streamId, ReadOnlyMemory<byte> payload)
    {
        var header = new byte[9];
        header[0] = (byte)(payload.Length >> 16);
        header[1] = (byte)(payload.Length >> 8);
        header[2] = (byte)payload.Length;
        header[3] = type;
        header[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(5), streamId);
        await _writeGate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            await _stream.WriteAsync(header, TestContext.Current.CancellationToken);
            await _stream.WriteAsync(payload, TestContext.Current.CancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>The next frame from the server, or null when the connection closed or nothing came within <paramref name="timeout"/>.</summary>
    public async Task<Frame?> ReadFrameAsync(TimeSpan timeout)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            var header = new byte[9];
            await _stream.ReadExactlyAsync(header, limit.Token);
            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            var payload = new byte[length];
            await _stream.ReadExactlyAsync(payload, limit.Token);
            return new Frame(header[3], header[4], BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & 0x7FFFFFFF, payload);
        }
        catch (OperationCanceledException)
        {
            return null; // quiet, still open
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or SocketException)
        {
            Closed = true;
            return null;
        }
    }

    /// <summary>Reads frames, answering the server's SETTINGS, until <paramref name="until"/> holds or the connection ends; returns all read.</summary>
    public async Task<List<Frame>> ReadUntilAsync(Func<Frame, bool> until, TimeSpan timeout)
    {
        var frames = new List<Frame>();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && await ReadFrameAsync(deadline - DateTime.UtcNow) is { } frame)
        {
            frames.Add(frame);
            if (frame is { Type: Settings, Flags: 0 })
            {
                try
                {
                    await SendFrameAsync(Settings, Ack, 0, Array.Empty<byte>());
                }
                catch (IOException)
                {
                    // The server stopped reading from us; what it sent before closing is still to be read.
                }
            }

            if (until(frame))
            {
                break;
            }
        }

        return frames;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
        _writeGate.Dispose();
    }

    private Task WriteRawAsync(byte[] bytes) => _stream.WriteAsync(bytes, TestContext.Current.CancellationToken).AsTask();

    private static void AppendString(List<byte> block, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        // HPACK integer with a 7-bit prefix, H bit clear (no Huffman).
        if (bytes.Length < 127)
        {
            block.Add((byte)bytes.Length);
        }
        else
        {
            block.Add(127);
            var rest = bytes.Length - 127;
            while (rest >= 128)
            {
                block.Add((byte)((rest & 0x7F) | 0x80));
                rest >>= 7;
            }

            block.Add((byte)rest);
        }

        block.AddRange(bytes);
    }

    public sealed record Frame(byte Type, byte Flags, int StreamId, byte[] Payload)
    {
        /// <summary>For GOAWAY and RST_STREAM: the error code.</summary>
        public uint ErrorCode => Type == GoAway ? BinaryPrimitives.ReadUInt32BigEndian(Payload.AsSpan(4)) : BinaryPrimitives.ReadUInt32BigEndian(Payload);
    }
}
