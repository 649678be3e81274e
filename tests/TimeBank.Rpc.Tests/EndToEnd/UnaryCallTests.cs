using System.Net;
using Grpc.Health.V1;
using TimeBank.Rpc.Client;
using TimeBank.Rpc.Tests.Support;

namespace TimeBank.Rpc.Tests.EndToEnd;

public sealed class UnaryCallTests(GrpcTestServer server) : IClassFixture<GrpcTestServer>
{
    private static CallOptions Options => new(CancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_unary_call_returns_the_handlers_response()
    {
        using var channel = server.CreateChannel();

        var reply = await channel.UnaryAsync(TestService.Echo, new HealthCheckRequest { Service = "hello, 时间银行" }, Options);

        Assert.Equal("hello, 时间银行", reply.Service);
    }

    [Fact]
    public async Task An_empty_request_and_response_make_a_valid_call()
    {
        using var channel = server.CreateChannel();

        var reply = await channel.UnaryAsync(TestService.Echo, new HealthCheckRequest(), Options);

        Assert.Equal(new HealthCheckRequest(), reply);
    }

    [Fact]
    public async Task A_successful_call_sends_headers_then_one_message_then_the_status_in_trailers()
    {
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync(TestService.Echo.FullName, Frames.Plain(new HealthCheckRequest { Service = "ok" }));

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal(HttpVersion.Version20, response.HttpVersion);
        Assert.Equal("application/grpc", response.Headers["content-type"]);
        Assert.False(response.Headers.ContainsKey("grpc-status"));
        Assert.Equal("0", response.Trailers["grpc-status"]);
        Assert.Equal("ok", Assert.Single(response.Messages(HealthCheckRequest.Parser)).Service);
    }

    [Fact]
    public async Task Custom_metadata_reaches_the_handler()
    {
        using var channel = server.CreateChannel();

        var reply = await channel.UnaryAsync(
            TestService.ReadHeader, new HealthCheckRequest(), Options with { Headers = [new("x-custom", "volunteer-42")] });

        Assert.Equal("volunteer-42", reply.Service);
    }

    [Fact]
    public async Task Channel_default_headers_reach_the_handler()
    {
        using var channel = server.CreateChannel(new GrpcChannelOptions { DefaultHeaders = [new("x-custom", "from-the-channel")] });

        var reply = await channel.UnaryAsync(TestService.ReadHeader, new HealthCheckRequest(), Options);

        Assert.Equal("from-the-channel", reply.Service);
    }

    [Fact]
    public async Task A_call_without_the_header_sees_none()
    {
        using var channel = server.CreateChannel();

        var reply = await channel.UnaryAsync(TestService.ReadHeader, new HealthCheckRequest(), Options);

        Assert.Equal("(none)", reply.Service);
    }

    [Fact]
    public async Task Two_hundred_concurrent_calls_on_one_channel_all_succeed()
    {
        using var channel = server.CreateChannel();

        var calls = Enumerable.Range(0, 200)
            .Select(i => channel.UnaryAsync(TestService.Echo, new HealthCheckRequest { Service = $"call-{i}" }, Options))
            .ToArray();
        var replies = await Task.WhenAll(calls);

        // Each caller gets its own answer: no response crossed over to another stream.
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"call-{i}"), replies.Select(r => r.Service));
    }
}
