using System.Buffers;
using Google.Protobuf;
using Grpc.Health.V1;
using TimeBank.Rpc.Internal;
using TimeBank.Rpc.Tests.Support;

namespace TimeBank.Rpc.Tests.Framing;

public sealed class MessageFramingTests
{
    private const int Limit = 1024;

    private static readonly HealthCheckRequest Sample = new() { Service = "timebank.v1.VolunteerService" };

    public static TheoryData<int> EveryOffsetInsideTheSampleFrame
    {
        get
        {
            var data = new TheoryData<int>();
            for (var offset = 1; offset < Frames.Plain(Sample).Length; offset++)
            {
                data.Add(offset);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(EveryOffsetInsideTheSampleFrame))]
    public void A_frame_split_across_two_segments_at_any_offset_is_reassembled(int offset)
    {
        var frame = Frames.Plain(Sample);
        var buffer = SegmentedSequence.SplitAt(frame, offset);
        Assert.False(buffer.IsSingleSegment); // otherwise the test proves nothing about split reads

        var status = MessageFraming.TryReadFrame(ref buffer, Limit, out var compressed, out var message, out var length);

        Assert.Equal(FrameStatus.Complete, status);
        Assert.False(compressed);
        Assert.Equal(frame.Length - MessageFraming.HeaderSize, length);
        Assert.Equal(Sample, HealthCheckRequest.Parser.ParseFrom(message));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void A_frame_spread_over_one_byte_segments_is_reassembled()
    {
        var frame = Frames.Plain(Sample);
        var buffer = SegmentedSequence.Of([.. frame.Select(b => new[] { b })]);

        var status = MessageFraming.TryReadFrame(ref buffer, Limit, out _, out var message, out _);

        Assert.Equal(FrameStatus.Complete, status);
        Assert.Equal(Sample, HealthCheckRequest.Parser.ParseFrom(message));
    }

    [Fact]
    public void Several_frames_in_one_buffer_come_out_one_by_one_in_order()
    {
        var names = new[] { "first", "second", "", "fourth" };
        var bytes = names.SelectMany(n => Frames.Plain(new HealthCheckRequest { Service = n })).ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);

        var read = new List<string>();
        while (MessageFraming.TryReadFrame(ref buffer, Limit, out _, out var message, out _) == FrameStatus.Complete)
        {
            read.Add(HealthCheckRequest.Parser.ParseFrom(message).Service);
        }

        Assert.Equal(names, read);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void A_frame_followed_by_part_of_the_next_leaves_that_part_in_the_buffer()
    {
        var second = Frames.Plain(new HealthCheckRequest { Service = "second" });
        var buffer = SegmentedSequence.Of(Frames.Plain(Sample), second[..7]);

        Assert.Equal(FrameStatus.Complete, MessageFraming.TryReadFrame(ref buffer, Limit, out _, out _, out _));
        Assert.Equal(second[..7], buffer.ToArray());

        var rest = buffer;
        Assert.Equal(FrameStatus.Incomplete, MessageFraming.TryReadFrame(ref rest, Limit, out _, out _, out _));
        Assert.Equal(buffer.Length, rest.Length); // nothing consumed, so the pipe can be told to wait for more
    }

    [Fact]
    public void An_empty_message_is_a_complete_frame_of_five_bytes()
    {
        var buffer = new ReadOnlySequence<byte>(Frames.Header(0, 0));

        var status = MessageFraming.TryReadFrame(ref buffer, Limit, out var compressed, out var message, out var length);

        Assert.Equal(FrameStatus.Complete, status);
        Assert.False(compressed);
        Assert.Equal(0, length);
        Assert.True(message.IsEmpty);
        Assert.True(buffer.IsEmpty);
        Assert.Equal(new HealthCheckRequest(), HealthCheckRequest.Parser.ParseFrom(message));
    }

    [Fact]
    public void A_declared_length_over_the_limit_is_refused_before_the_body_arrives()
    {
        // Only the header is here: a reader that waited for the body would buffer the oversize message.
        var buffer = new ReadOnlySequence<byte>(Frames.Header(0, Limit + 1));

        var status = MessageFraming.TryReadFrame(ref buffer, Limit, out _, out _, out var length);

        Assert.Equal(FrameStatus.TooLarge, status);
        Assert.Equal(Limit + 1, length);
    }

    [Fact]
    public void A_declared_length_of_four_gigabytes_minus_one_is_too_large_not_negative()
    {
        var buffer = new ReadOnlySequence<byte>(Frames.Header(0, uint.MaxValue));

        var status = MessageFraming.TryReadFrame(ref buffer, int.MaxValue, out _, out _, out var length);

        Assert.Equal(FrameStatus.TooLarge, status);
        Assert.Equal(uint.MaxValue, length);
    }

    [Fact]
    public void A_message_exactly_at_the_limit_is_accepted()
    {
        var buffer = new ReadOnlySequence<byte>(Frames.Build(0, new byte[Limit]));

        Assert.Equal(FrameStatus.Complete, MessageFraming.TryReadFrame(ref buffer, Limit, out _, out var message, out _));
        Assert.Equal(Limit, message.Length);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void A_flag_byte_other_than_zero_or_one_is_invalid(byte flag)
    {
        var buffer = new ReadOnlySequence<byte>(Frames.Build(flag, [1, 2, 3]));

        Assert.Equal(FrameStatus.InvalidFlag, MessageFraming.TryReadFrame(ref buffer, Limit, out _, out _, out _));
    }

    [Fact]
    public void A_flag_byte_of_one_marks_the_message_compressed()
    {
        var buffer = new ReadOnlySequence<byte>(Frames.Build(1, [1, 2, 3]));

        Assert.Equal(FrameStatus.Complete, MessageFraming.TryReadFrame(ref buffer, Limit, out var compressed, out var message, out _));
        Assert.True(compressed);
        Assert.Equal(new byte[] { 1, 2, 3 }, message.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void A_header_shorter_than_five_bytes_is_incomplete(int length)
    {
        var buffer = new ReadOnlySequence<byte>(Frames.Header(0, 3)[..length]);

        Assert.Equal(FrameStatus.Incomplete, MessageFraming.TryReadFrame(ref buffer, Limit, out _, out _, out _));
        Assert.Equal(length, buffer.Length);
    }

    [Fact]
    public void A_body_shorter_than_its_declared_length_is_incomplete()
    {
        var frame = Frames.Plain(Sample);
        var buffer = new ReadOnlySequence<byte>(frame[..^1]);

        Assert.Equal(FrameStatus.Incomplete, MessageFraming.TryReadFrame(ref buffer, Limit, out _, out _, out _));
        Assert.Equal(frame.Length - 1, buffer.Length);
    }

    [Fact]
    public void The_header_is_the_flag_then_the_length_big_endian()
    {
        var header = new byte[MessageFraming.HeaderSize];

        MessageFraming.WriteHeader(header, compressed: true, 0x01020304);

        Assert.Equal(new byte[] { 1, 1, 2, 3, 4 }, header);
    }

    [Fact]
    public void WriteMessage_then_TryReadFrame_gives_back_the_same_message()
    {
        var response = new HealthCheckResponse { Status = HealthCheckResponse.Types.ServingStatus.NotServing };
        var writer = new ArrayBufferWriter<byte>();

        MessageFraming.WriteMessage(writer, Sample);
        MessageFraming.WriteMessage(writer, response);
        var buffer = new ReadOnlySequence<byte>(writer.WrittenMemory);

        Assert.Equal(FrameStatus.Complete, MessageFraming.TryReadFrame(ref buffer, Limit, out _, out var first, out _));
        Assert.Equal(Sample, HealthCheckRequest.Parser.ParseFrom(first));
        Assert.Equal(FrameStatus.Complete, MessageFraming.TryReadFrame(ref buffer, Limit, out _, out var second, out _));
        Assert.Equal(response, HealthCheckResponse.Parser.ParseFrom(second));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void WriteMessage_writes_the_bytes_the_spec_describes()
    {
        var writer = new ArrayBufferWriter<byte>();

        MessageFraming.WriteMessage(writer, Sample);

        Assert.Equal(Frames.Plain(Sample), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void An_empty_message_is_written_as_a_bare_header()
    {
        var writer = new ArrayBufferWriter<byte>();

        MessageFraming.WriteMessage(writer, new HealthCheckResponse());

        Assert.Equal(new byte[] { 0, 0, 0, 0, 0 }, writer.WrittenSpan.ToArray());
        Assert.Equal(writer.WrittenSpan.ToArray(), MessageFraming.ToFrame(new HealthCheckResponse()));
    }

    [Fact]
    public void ToFrame_matches_WriteMessage()
    {
        var writer = new ArrayBufferWriter<byte>();
        MessageFraming.WriteMessage(writer, Sample);

        Assert.Equal(writer.WrittenSpan.ToArray(), MessageFraming.ToFrame(Sample));
        Assert.Equal(Sample.ToByteArray(), MessageFraming.ToFrame(Sample)[MessageFraming.HeaderSize..]);
    }
}
