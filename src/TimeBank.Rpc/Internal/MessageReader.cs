using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;

namespace TimeBank.Rpc.Internal;

/// <summary>
/// Reads length-prefixed messages from a pipe (a request body on the server, a response body on the
/// client). Protocol faults become <see cref="RpcException"/>s with the status the spec gives them.
/// </summary>
internal sealed class MessageReader<T>(
    PipeReader reader, MessageParser<T> parser, int maxMessageSize, string? encoding, string direction, LargeMessageGate? largeMessages = null)
    where T : class, IMessage<T>
{
    /// <summary>The message type's descriptor, found once per type (this class is generic) from an empty instance.</summary>
    private static Google.Protobuf.Reflection.MessageDescriptor? _descriptor;

    /// <summary>Whether this reader holds one of the large-message permits (only while it reads one).</summary>
    private bool _holdingPermit;

    /// <summary>The next message, or null when the stream ended cleanly between messages.</summary>
    public async ValueTask<T?> ReadNextAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ReadFrameAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (_holdingPermit)
            {
                _holdingPermit = false;
                largeMessages!.Release();
            }
        }
    }

    private async ValueTask<T?> ReadFrameAsync(CancellationToken cancellationToken)
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
                    if (!_holdingPermit && largeMessages is not null && length > largeMessages.Threshold)
                    {
                        // A large message: read no more of it until one of the few permits is ours.
                        await largeMessages.WaitAsync(cancellationToken).ConfigureAwait(false);
                        _holdingPermit = true;
                    }

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

        ReadOnlySpan<byte> bytes = payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray();
        if (Utf8Fields.FindInvalid(bytes, _descriptor ??= parser.ParseFrom(ReadOnlySpan<byte>.Empty).Descriptor) is { } field)
        {
            var detail = $"{direction} message field {field} is not valid UTF-8; text fields must be UTF-8 and are stored exactly as sent.";
            throw new RpcException(StatusCode.InvalidArgument, detail, "INVALID_UTF8", "grpc") { FieldViolations = [new FieldViolation(field, "not valid UTF-8")] };
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

        try
        {
            return new ReadOnlySequence<byte>(GzipMember.Decompress(payload.ToArray(), maxMessageSize));
        }
        catch (MessageTooLargeException)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"{direction} message larger than max (more than {maxMessageSize} bytes once decompressed).");
        }
        catch (InvalidDataException e)
        {
            // Nothing of a message that is not one whole gzip member reaches the handler.
            throw new RpcException(StatusCode.Internal, $"{direction} message is not one complete gzip member: {e.Message}.");
        }
    }
}
