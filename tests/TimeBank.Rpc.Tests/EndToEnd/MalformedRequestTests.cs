using Grpc.Health.V1;
using TimeBank.Rpc.Tests.Support;

namespace TimeBank.Rpc.Tests.EndToEnd;

/// <summary>
/// Request bodies that break the framing (INTERNAL) or the call's cardinality (UNIMPLEMENTED, as the gRPC
/// status code document says): each ends with its status and no handler answer.
/// </summary>
public sealed class MalformedRequestTests(GrpcTestServer server) : IClassFixture<GrpcTestServer>
{
    private const int Internal = 13;
    private const int Unimplemented = 12;

    private static readonly byte[] OneMessage = Frames.Plain(new HealthCheckRequest { Service = "ping" });

    [Fact]
    public async Task Two_request_messages_on_a_unary_call_are_UNIMPLEMENTED()
        => await AssertStatus(Unimplemented, TestService.Echo.FullName, [.. OneMessage, .. OneMessage]);

    [Fact]
    public async Task Zero_request_messages_on_a_unary_call_are_UNIMPLEMENTED()
        => await AssertStatus(Unimplemented, TestService.Echo.FullName, []);

    [Fact]
    public async Task Zero_request_messages_on_a_server_streaming_call_are_UNIMPLEMENTED()
        => await AssertStatus(Unimplemented, TestService.Count.FullName, []);

    [Fact]
    public async Task Two_request_messages_on_a_server_streaming_call_are_UNIMPLEMENTED()
        => await AssertStatus(Unimplemented, TestService.Count.FullName, [.. OneMessage, .. OneMessage]);

    [Fact]
    public async Task A_frame_with_flag_byte_two_is_INTERNAL()
        => await AssertInternal(TestService.Echo.FullName, [2, .. OneMessage[1..]]);

    [Fact]
    public async Task A_truncated_frame_is_INTERNAL()
        => await AssertInternal(TestService.Echo.FullName, OneMessage[..^2]);

    [Fact]
    public async Task A_truncated_header_is_INTERNAL()
        => await AssertInternal(TestService.Echo.FullName, OneMessage[..3]);

    [Fact]
    public async Task A_message_that_does_not_parse_is_INTERNAL()
        => await AssertInternal(TestService.Echo.FullName, Frames.Build(0, [0x0A, 100, 0x41]));

    private Task AssertInternal(string path, byte[] body) => AssertStatus(Internal, path, body);

    private async Task AssertStatus(int status, string path, byte[] body)
    {
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync(path, body);

        Assert.Equal(status, response.GrpcStatus);
        Assert.Empty(response.Body);
    }
}
