using Google.Protobuf;
using Grpc.Health.V1;
using TimeBank.Rpc.Client;
using TimeBank.Rpc.Tests.Support;

namespace TimeBank.Rpc.Tests.EndToEnd;

/// <summary>The 4 MiB default limit on a received message, on both ends.</summary>
public sealed class MessageSizeTests(GrpcTestServer server) : IClassFixture<GrpcTestServer>
{
    private const int Limit = GrpcServerOptions.DefaultMaxReceiveMessageSize;

    private static CallOptions Options => new(CancellationToken: TestContext.Current.CancellationToken);

    [Theory]
    [InlineData(Limit - 1024)]
    [InlineData(Limit)]
    public async Task A_message_up_to_four_MiB_is_accepted(int size)
    {
        using var channel = server.CreateChannel();
        var request = OfSize(size);

        // The echo is as large as the request, so this also holds the channel's own receive limit.
        var reply = await channel.UnaryAsync(TestService.Echo, request, Options);

        Assert.Equal(request, reply);
    }

    [Fact]
    public async Task A_message_over_four_MiB_is_RESOURCE_EXHAUSTED()
    {
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestService.Echo, OfSize(Limit + 1), Options));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task An_oversize_message_is_refused_from_its_declared_length_alone()
    {
        // Only the header and a few bytes are sent. A server that waited for the body would see the stream
        // end inside the frame and answer INTERNAL; the limit must be applied before buffering.
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync(TestService.Echo.FullName, [.. Frames.Header(0, Limit + 1), 1, 2, 3]);

        Assert.Equal(8, response.GrpcStatus);
    }

    [Fact]
    public async Task The_channel_refuses_a_response_over_its_own_limit()
    {
        using var channel = server.CreateChannel(new GrpcChannelOptions { MaxReceiveMessageSize = 1024 });

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestService.Echo, OfSize(2048), Options));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    /// <summary>A request whose encoded size is exactly <paramref name="size"/> bytes.</summary>
    private static HealthCheckRequest OfSize(int size)
    {
        // One tag byte, the string's length as a varint, then the string.
        var length = size - 1 - CodedOutputStream.ComputeLengthSize(size);
        var request = new HealthCheckRequest { Service = new string('x', length) };
        Assert.Equal(size, request.CalculateSize());
        return request;
    }
}
