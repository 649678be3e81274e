using Grpc.Health.V1;
using TimeBank.Rpc.Client;
using TimeBank.Rpc.Tests.Support;

namespace TimeBank.Rpc.Tests.EndToEnd;

public sealed class ServerStreamingTests(GrpcTestServer server) : IClassFixture<GrpcTestServer>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_server_stream_delivers_every_message_in_order()
    {
        using var channel = server.CreateChannel();

        var received = await Collect(channel.ServerStreamingAsync(TestService.Count, new HealthCheckRequest { Service = "5" }, cancellationToken: Token));

        Assert.Equal(["1", "2", "3", "4", "5"], received);
    }

    [Fact]
    public async Task A_server_stream_with_no_messages_ends_cleanly()
    {
        using var channel = server.CreateChannel();

        var received = await Collect(channel.ServerStreamingAsync(TestService.Count, new HealthCheckRequest { Service = "0" }, cancellationToken: Token));

        Assert.Empty(received);
    }

    [Fact]
    public async Task An_error_after_some_messages_arrives_after_them()
    {
        using var channel = server.CreateChannel();
        var received = new List<string>();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var message in channel.ServerStreamingAsync(TestService.Count, new HealthCheckRequest { Service = "2!" }, cancellationToken: Token))
            {
                received.Add(message.Service);
            }
        });

        Assert.Equal(["1", "2"], received);
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal("stopped after 2", error.Detail);
    }

    [Fact]
    public async Task An_error_after_some_messages_is_sent_in_trailers_not_headers()
    {
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync(TestService.Count.FullName, Frames.Plain(new HealthCheckRequest { Service = "2!" }));

        Assert.False(response.Headers.ContainsKey("grpc-status"));
        Assert.Equal("10", response.Trailers["grpc-status"]);
        Assert.Equal("stopped after 2", response.Trailers["grpc-message"]);
        Assert.Equal(["1", "2"], response.Messages(HealthCheckRequest.Parser).Select(m => m.Service));
    }

    private static async Task<List<string>> Collect(IAsyncEnumerable<HealthCheckRequest> stream)
    {
        var received = new List<string>();
        await foreach (var message in stream)
        {
            received.Add(message.Service);
        }

        return received;
    }
}
