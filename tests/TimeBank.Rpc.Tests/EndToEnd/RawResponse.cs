using System.Buffers;
using System.Net;
using Google.Protobuf;
using TimeBank.Rpc.Internal;

namespace TimeBank.Rpc.Tests.EndToEnd;

/// <summary>What came back over the wire, with headers and trailers kept apart.</summary>
internal sealed record RawResponse(
    HttpStatusCode HttpStatus,
    Version HttpVersion,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Trailers,
    byte[] Body)
{
    /// <summary>The grpc-status, wherever it came: headers (trailers-only response) or trailers.</summary>
    public int? GrpcStatus
        => int.TryParse(Headers.GetValueOrDefault("grpc-status") ?? Trailers.GetValueOrDefault("grpc-status"), out var status) ? status : null;

    public string? GrpcMessage => Headers.GetValueOrDefault("grpc-message") ?? Trailers.GetValueOrDefault("grpc-message");

    /// <summary>Every header and trailer name and value, for checking what must never be sent.</summary>
    public string AllMetadataText
        => string.Join("\n", Headers.Concat(Trailers).Select(h => $"{h.Key}: {h.Value}"));

    public List<T> Messages<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        var buffer = new ReadOnlySequence<byte>(Body);
        var messages = new List<T>();
        while (MessageFraming.TryReadFrame(ref buffer, int.MaxValue, out var compressed, out var payload, out _) == FrameStatus.Complete)
        {
            Assert.False(compressed); // the server never compresses what it sends
            messages.Add(parser.ParseFrom(payload));
        }

        Assert.True(buffer.IsEmpty, "the body ends with a partial frame");
        return messages;
    }
}
