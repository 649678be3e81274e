using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;

namespace TimeBank.Rpc.Internal;

/// <summary>
/// Reads length-prefixed messages from a pipe (a request body on the server, a response body on the
/// client). Protocol faults become <see cref="RpcException"/>s with the status the spec gives them.
/// </summary>
internal sealed class MessageReader<T>(PipeReader reader, MessageParser<T> parser, int maxMessageSize, string? encoding, string direction)
    where T : class, IMessage<T>
{
    /// <summary>The next message, or null when the stream ended cleanly between messages.</summary>
    public async ValueTask<T?> ReadNextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = MessageFraming.TryReadFrame(ref buffer, maxMessageSize, out var compressed, out var payload, out var length);
            switch (status)
            {
                case FrameStatus.Complete:
                    T message;
                    try
                    {
                        message = Parse(payload, compressed);
                    }
                    finally
                    {
                        reader.AdvanceTo(buffer.Start);
                    }

                    return message;

                case FrameStatus.TooLarge:
                    reader.AdvanceTo(result.Buffer.Start);
                    throw new RpcException(StatusCode.ResourceExhausted, $"{direction} message larger than max ({length} vs. {maxMessageSize}).");

                case FrameStatus.InvalidFlag:
                    reader.AdvanceTo(result.Buffer.Start);
                    throw new RpcException(StatusCode.Internal, $"{direction} message has an invalid compressed-flag byte; only 0 and 1 are defined.");

                default:
                    if (result.IsCompleted)
                    {
                        var empty = result.Buffer.IsEmpty;
                        reader.AdvanceTo(result.Buffer.End);
                        return empty
                            ? null
                            : throw new RpcException(StatusCode.Internal, $"Incomplete {direction.ToLowerInvariant()} message: the stream ended inside a frame.");
                    }

                    // Nothing consumed, everything examined: wake only when more bytes arrive.
                    reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    break;
            }
        }
    }

    private T Parse(ReadOnlySequence<byte> payload, bool compressed)
    {
        if (compressed)
        {
            payload = Decompress(payload);
        }

        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(StatusCode.Internal, $"Failed to deserialize {direction.ToLowerInvariant()} message: {e.Message}");
        }
    }

    private ReadOnlySequence<byte> Decompress(ReadOnlySequence<byte> payload)
    {
        if (!string.Equals(encoding, GrpcProtocol.GzipEncoding, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(StatusCode.Internal, $"{direction} message is flagged compressed but grpc-encoding is '{encoding ?? GrpcProtocol.IdentityEncoding}'.");
        }

        using var input = new MemoryStream(payload.ToArray());
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = gzip.Read(chunk, 0, chunk.Length)) > 0)
            {
                // The limit holds for the message, not its compressed form: no decompression bombs.
                if (output.Length + read > maxMessageSize)
                {
                    throw new RpcException(StatusCode.ResourceExhausted, $"{direction} message larger than max (more than {maxMessageSize} bytes once decompressed).");
                }

                output.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            throw new RpcException(StatusCode.Internal, $"{direction} message is not valid gzip: {e.Message}");
        }

        return new ReadOnlySequence<byte>(output.ToArray());
    }
}
