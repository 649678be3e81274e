using Google.Protobuf;
using Grpc.Health.V1;
using TimeBank.Rpc.Tests.Support;
using static TimeBank.Rpc.Tests.Support.RawHttp2Connection;

namespace TimeBank.Rpc.Tests.EndToEnd;

/// <summary>
/// What a hostile client does at the HTTP/2 level, written frame by frame: each case asserts how the
/// connection or the call ends, and that the server still answers an ordinary call afterwards. Every loop
/// is bounded in count and time.
/// </summary>
public sealed class HostileConnectionTests(GrpcTestServer server) : IClassFixture<GrpcTestServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Rapid_reset_thousands_of_requests_cancelled_at_once_end_in_goaway_or_close_and_others_are_served()
    {
        await using var attacker = await ConnectAsync(server.Address);
        var headers = GrpcRequestHeaders(server.Address, TestService.Echo.FullName);
        var cancel = new byte[4];
        cancel[3] = 0x8; // CANCEL
        for (var stream = 1; stream < 2 * 5_000; stream += 2)
        {
            try
            {
                await attacker.SendFrameAsync(RawHttp2Connection.Headers, EndHeaders, stream, headers);
                await attacker.SendFrameAsync(RstStream, 0, stream, cancel);
            }
            catch (IOException)
            {
                break; // the server closed the connection on us: that is an outcome too
            }
        }

        var frames = await attacker.ReadUntilAsync(f => f.Type == GoAway, Patience);
        Observed(frames, attacker.Closed ? "connection closed by the server" : "connection still open");

        // Either the server cut the attacker off (GOAWAY, or closed), or it absorbed every reset and the
        // connection still works: a PING on it is answered. Never a wedged connection.
        if (!frames.Any(f => f.Type == GoAway) && !attacker.Closed)
        {
            await attacker.SendFrameAsync(Ping, 0, 0, new byte[8]);
            var pong = await attacker.ReadUntilAsync(f => f is { Type: Ping, Flags: Ack }, Patience);
            Assert.True(pong.Any(f => f is { Type: Ping, Flags: Ack }) || attacker.Closed, $"the connection is neither cut off nor answering: {Describe(frames)}");
        }
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task A_ping_flood_is_answered_or_cut_off_and_others_are_served()
    {
        await using var attacker = await ConnectAsync(server.Address);
        for (var i = 0; i < 10_000; i++)
        {
            try
            {
                await attacker.SendFrameAsync(Ping, 0, 0, BitConverter.GetBytes((long)i));
            }
            catch (IOException)
            {
                break;
            }
        }

        var frames = await attacker.ReadUntilAsync(f => f.Type == GoAway, TimeSpan.FromSeconds(5));
        Observed(frames);

        Assert.True(frames.Any(f => f is { Type: Ping, Flags: Ack }) || frames.Any(f => f.Type == GoAway), Describe(frames));
        Assert.DoesNotContain(frames, f => f is { Type: Ping, Flags: 0 }); // the server never pings back a flood
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task A_settings_flood_is_acknowledged_or_cut_off_and_others_are_served()
    {
        await using var attacker = await ConnectAsync(server.Address);
        for (var i = 0; i < 10_000; i++)
        {
            try
            {
                await attacker.SendFrameAsync(Settings, 0, 0, Setting(0x3, 100)); // MAX_CONCURRENT_STREAMS
            }
            catch (IOException)
            {
                break;
            }
        }

        var frames = await attacker.ReadUntilAsync(f => f.Type == GoAway, TimeSpan.FromSeconds(5));
        Observed(frames);

        Assert.True(frames.Any(f => f is { Type: Settings, Flags: Ack }) || frames.Any(f => f.Type == GoAway), Describe(frames));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Endless_continuation_frames_end_in_a_connection_error_long_before_memory_does()
    {
        await using var attacker = await ConnectAsync(server.Address);
        var headers = GrpcRequestHeaders(server.Address, TestService.Echo.FullName);
        await attacker.SendFrameAsync(RawHttp2Connection.Headers, 0, 1, headers); // no END_HEADERS: a header block that never ends
        var junk = GrpcRequestHeaders(server.Address, "/x", ("x-pad", new string('a', 1000)));
        var sent = 0L;
        for (var i = 0; i < 20_000 && sent < 64L * 1024 * 1024; i++)
        {
            try
            {
                await attacker.SendFrameAsync(Continuation, 0, 1, junk);
                sent += junk.Length;
            }
            catch (IOException)
            {
                break;
            }
        }

        var frames = await attacker.ReadUntilAsync(f => f.Type == GoAway, Patience);
        Observed(frames, $"{sent} bytes of CONTINUATION sent");

        // The header block is over Kestrel's limits: a connection error (GOAWAY), or the socket closed.
        Assert.True(frames.Any(f => f.Type == GoAway && f.ErrorCode != 0) || sent < 64L * 1024 * 1024,
            $"{sent} bytes of header block were taken without complaint: {Describe(frames)}");
        Assert.DoesNotContain(frames, f => f.Type == Data);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task A_client_with_a_zero_window_stalls_only_itself_and_gets_its_answer_once_it_opens_the_window()
    {
        await using var stalled = await ConnectAsync(server.Address, initialWindowSize: 0);
        var request = new HealthCheckRequest { Service = "held back" };
        await stalled.SendFrameAsync(RawHttp2Connection.Headers, EndHeaders, 1, GrpcRequestHeaders(server.Address, TestService.Echo.FullName));
        await stalled.SendFrameAsync(Data, EndStream, 1, Frames.Plain(request));

        var before = await stalled.ReadUntilAsync(f => f.Type == Data, TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(before, f => f is { Type: Data, Payload.Length: > 0 }); // no window, no DATA
        await AssertStillServingAsync(); // others are not held up meanwhile

        var increment = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(increment, 65_535);
        await stalled.SendFrameAsync(Settings, 0, 0, Setting(0x4, 65_535));
        await stalled.SendFrameAsync(WindowUpdate, 0, 1, increment);
        var after = await stalled.ReadUntilAsync(f => f is { Type: RawHttp2Connection.Headers, StreamId: 1 } && (f.Flags & EndStream) != 0, Patience);

        var body = after.Where(f => f is { Type: Data, StreamId: 1 }).SelectMany(f => f.Payload).ToArray();
        Assert.Equal(Frames.Plain(request), body); // the echo, whole, once the window opened
        Assert.DoesNotContain(after, f => f.Type is RstStream or GoAway);
    }

    [Fact]
    public async Task A_body_trickled_a_byte_at_a_time_is_read_whole_while_others_are_served()
    {
        await using var slow = await ConnectAsync(server.Address);
        var request = new HealthCheckRequest { Service = "slowly" };
        var body = Frames.Plain(request);
        await slow.SendFrameAsync(RawHttp2Connection.Headers, EndHeaders, 1, GrpcRequestHeaders(server.Address, TestService.Echo.FullName));
        var trickle = Task.Run(async () =>
        {
            for (var i = 0; i < body.Length; i++)
            {
                await slow.SendFrameAsync(Data, i == body.Length - 1 ? EndStream : (byte)0, 1, body.AsMemory(i, 1));
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }, TestContext.Current.CancellationToken);

        await AssertStillServingAsync(); // while the slow body is still coming
        await trickle;
        var frames = await slow.ReadUntilAsync(f => f is { Type: RawHttp2Connection.Headers, StreamId: 1 } && (f.Flags & EndStream) != 0, Patience);

        Assert.Equal(body, frames.Where(f => f is { Type: Data, StreamId: 1 }).SelectMany(f => f.Payload).ToArray());
        Assert.DoesNotContain(frames, f => f.Type is RstStream or GoAway);
    }

    [Fact]
    public async Task A_lying_length_prefix_is_refused_from_the_header_or_at_the_end_of_the_stream_and_others_are_served()
    {
        using var raw = server.CreateRawClient();
        var message = new HealthCheckRequest { Service = "short" }.ToByteArray();

        var claimsMore = await raw.PostAsync(TestService.Echo.FullName, [.. Frames.Header(0, (uint)message.Length + 100), .. message]);
        var claimsFourGiB = await raw.PostAsync(TestService.Echo.FullName, [.. Frames.Header(0, uint.MaxValue), .. message]);

        Assert.Equal(13, claimsMore.GrpcStatus);   // INTERNAL: the stream ended inside the frame
        Assert.Equal(8, claimsFourGiB.GrpcStatus); // RESOURCE_EXHAUSTED, from the header alone
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task A_gzip_bomb_is_refused_from_what_it_decompresses_to_and_others_are_served()
    {
        using var raw = server.CreateRawClient();
        var bomb = Frames.Gzip(new HealthCheckRequest { Service = new string('a', 16 * 1024 * 1024) }.ToByteArray()); // 16 MiB in ~16 KiB

        var response = await raw.PostAsync(TestService.Echo.FullName, Frames.Build(1, bomb), "application/grpc", ("grpc-encoding", "gzip"));

        Assert.True(bomb.Length < 64 * 1024, $"{bomb.Length} bytes");
        Assert.Equal(8, response.GrpcStatus); // RESOURCE_EXHAUSTED once past 4 MiB decompressed, not after 16
        Assert.Empty(response.Body);
        await AssertStillServingAsync();
    }

    private async Task AssertStillServingAsync()
    {
        using var channel = server.CreateChannel();
        var answer = await channel.UnaryAsync(TestService.Echo, new HealthCheckRequest { Service = "still here" }, new Client.CallOptions(Timeout: Patience));
        Assert.Equal("still here", answer.Service);
    }

    private static void Observed(List<Frame> frames, string? note = null)
        => TestContext.Current.TestOutputHelper?.WriteLine($"observed: {Describe(frames)}{(frames.FirstOrDefault(f => f.Type == GoAway) is { } goAway ? $"; GOAWAY code {goAway.ErrorCode}" : "")} {note}");

    private static string Describe(List<Frame> frames)
        => frames.Count == 0 ? "no frames" : string.Join(", ", frames.GroupBy(f => f.Type).Select(g => $"type {g.Key} x{g.Count()}"));
}
