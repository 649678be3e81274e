using System.IO.Pipelines;
using Google.Protobuf;
using Grpc.Health.V1;
using TimeBank.Rpc.Internal;
using TimeBank.Rpc.Tests.Support;

namespace TimeBank.Rpc.Tests.Framing;

/// <summary>The reader over a real pipe, with a writer on the other end that sends when the test says so.</summary>
public sealed class MessageReaderTests
{
    private const int Limit = 4096;

    private readonly Pipe _pipe = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bytes_written_in_small_flushed_chunks_make_up_the_message()
    {
        var expected = new HealthCheckRequest { Service = "volunteer/ada/hours" };
        var frame = Frames.Plain(expected);
        var reader = CreateReader();

        var reading = reader.ReadNextAsync(Token).AsTask();
        var chunks = frame.Chunk(3).ToArray();
        foreach (var chunk in chunks[..^1])
        {
            await _pipe.Writer.WriteAsync(chunk, Token); // WriteAsync flushes
            await Task.Delay(5, Token);
            Assert.False(reading.IsCompleted, "the reader must wait for the rest of the frame");
        }

        await _pipe.Writer.WriteAsync(chunks[^1], Token);

        Assert.Equal(expected, await reading.WaitAsync(TimeSpan.FromSeconds(10), Token));
    }

    [Fact]
    public async Task Messages_come_out_in_order_and_a_clean_end_reads_as_null()
    {
        var reader = CreateReader();
        await _pipe.Writer.WriteAsync(Frames.Plain(new HealthCheckRequest { Service = "one" }).Concat(Frames.Plain(new HealthCheckRequest { Service = "two" })).ToArray(), Token);
        await _pipe.Writer.CompleteAsync();

        Assert.Equal("one", (await reader.ReadNextAsync(Token))?.Service);
        Assert.Equal("two", (await reader.ReadNextAsync(Token))?.Service);
        Assert.Null(await reader.ReadNextAsync(Token));
    }

    [Fact]
    public async Task A_stream_that_ends_before_any_message_reads_as_null()
    {
        await _pipe.Writer.CompleteAsync();

        Assert.Null(await CreateReader().ReadNextAsync(Token));
    }

    [Fact]
    public async Task An_empty_message_is_read_as_the_default_message()
    {
        await _pipe.Writer.WriteAsync(Frames.Header(0, 0), Token);
        await _pipe.Writer.CompleteAsync();
        var reader = CreateReader();

        Assert.Equal(new HealthCheckRequest(), await reader.ReadNextAsync(Token));
        Assert.Null(await reader.ReadNextAsync(Token));
    }

    [Theory]
    [InlineData(3)] // inside the header
    [InlineData(9)] // inside the body
    public async Task A_stream_that_ends_inside_a_frame_is_INTERNAL(int keep)
    {
        await _pipe.Writer.WriteAsync(Frames.Plain(new HealthCheckRequest { Service = "truncated" }).AsMemory(0, keep), Token);
        await _pipe.Writer.CompleteAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => CreateReader().ReadNextAsync(Token).AsTask());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task A_message_over_the_limit_is_RESOURCE_EXHAUSTED_from_its_header_alone()
    {
        // The writer stays open and sends no body: the reader must not wait for it.
        await _pipe.Writer.WriteAsync(Frames.Header(0, Limit + 1), Token);

        var error = await Assert.ThrowsAsync<RpcException>(
            () => CreateReader().ReadNextAsync(Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Token));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task An_invalid_flag_byte_is_INTERNAL()
    {
        await _pipe.Writer.WriteAsync(Frames.Build(2, new HealthCheckRequest { Service = "x" }.ToByteArray()), Token);
        await _pipe.Writer.CompleteAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => CreateReader().ReadNextAsync(Token).AsTask());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task A_body_that_is_not_the_message_type_is_INTERNAL()
    {
        // Field 1 as a length-delimited string claiming 100 bytes, with 1 present.
        await _pipe.Writer.WriteAsync(Frames.Build(0, [0x0A, 100, 0x41]), Token);
        await _pipe.Writer.CompleteAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => CreateReader().ReadNextAsync(Token).AsTask());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task A_gzip_compressed_frame_is_decompressed()
    {
        var expected = new HealthCheckRequest { Service = string.Concat(Enumerable.Repeat("compress me ", 100)) };
        var frame = Frames.Gzipped(expected);
        Assert.True(frame.Length < expected.CalculateSize()); // it really is compressed
        await _pipe.Writer.WriteAsync(frame, Token);
        await _pipe.Writer.CompleteAsync();

        Assert.Equal(expected, await CreateReader(encoding: "gzip").ReadNextAsync(Token));
    }

    [Theory]
    [InlineData("identity")]
    [InlineData(null)]
    public async Task A_compressed_flag_without_a_compressing_encoding_is_INTERNAL(string? encoding)
    {
        await _pipe.Writer.WriteAsync(Frames.Gzipped(new HealthCheckRequest { Service = "x" }), Token);
        await _pipe.Writer.CompleteAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => CreateReader(encoding).ReadNextAsync(Token).AsTask());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    public static readonly TheoryData<string> BrokenMembers = ["cut before the final deflate block", "missing its CRC-32 and size", "empty", "two members", "a wrong CRC-32"];

    [Theory]
    [MemberData(nameof(BrokenMembers))]
    public async Task A_compressed_message_that_is_not_one_whole_gzip_member_is_INTERNAL_and_not_read(string broken)
    {
        var message = new HealthCheckRequest { Service = string.Concat(Enumerable.Range(0, 150).Select(i => $"minutes {i};")) };
        var member = Frames.Gzip(message.ToByteArray());
        byte[] payload = broken switch
        {
            "cut before the final deflate block" => member[..(member.Length / 2)],
            "missing its CRC-32 and size" => member[..^8],
            "empty" => [],
            "two members" => [.. member, .. Frames.Gzip(message.ToByteArray())],
            "a wrong CRC-32" => [.. member[..^8], (byte)(member[^8] ^ 0xFF), .. member[^7..]],
            _ => throw new ArgumentOutOfRangeException(nameof(broken)),
        };
        await _pipe.Writer.WriteAsync(Frames.Build(1, payload), Token);
        await _pipe.Writer.CompleteAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => CreateReader(encoding: "gzip").ReadNextAsync(Token).AsTask());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("gzip", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_compressed_frame_that_is_not_gzip_is_INTERNAL()
    {
        await _pipe.Writer.WriteAsync(Frames.Build(1, [1, 2, 3, 4, 5, 6, 7, 8]), Token);
        await _pipe.Writer.CompleteAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => CreateReader(encoding: "gzip").ReadNextAsync(Token).AsTask());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task A_gzip_bomb_that_decompresses_past_the_limit_is_RESOURCE_EXHAUSTED()
    {
        var bomb = new HealthCheckRequest { Service = new string('a', 1024 * 1024) };
        var frame = Frames.Gzipped(bomb);
        Assert.True(frame.Length < Limit); // small on the wire: only the decompressed size is over the limit
        await _pipe.Writer.WriteAsync(frame, Token);
        await _pipe.Writer.CompleteAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => CreateReader(encoding: "gzip").ReadNextAsync(Token).AsTask());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task A_compressed_message_exactly_at_the_limit_once_decompressed_is_accepted()
    {
        var message = new HealthCheckRequest { Service = new string('a', Limit - 3) };
        Assert.Equal(Limit, message.CalculateSize());
        await _pipe.Writer.WriteAsync(Frames.Gzipped(message), Token);
        await _pipe.Writer.CompleteAsync();

        Assert.Equal(message, await CreateReader(encoding: "gzip").ReadNextAsync(Token));
    }

    private MessageReader<HealthCheckRequest> CreateReader(string? encoding = null)
        => new(_pipe.Reader, HealthCheckRequest.Parser, Limit, encoding, "Received");
}
