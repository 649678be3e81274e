using System.Diagnostics;
using Grpc.Health.V1;
using TimeBank.Rpc.Client;
using TimeBank.Rpc.Health;
using TimeBank.Rpc.Tests.Support;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace TimeBank.Rpc.Tests.EndToEnd;

/// <summary>
/// grpc-timeout and cancellation. Bounds are generous on purpose: the machine is shared and small, and the
/// point is that a call ends at all, not how precisely.
/// </summary>
public sealed class DeadlineTests(GrpcTestServer server) : IClassFixture<GrpcTestServer>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(5);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_call_past_its_timeout_ends_with_DEADLINE_EXCEEDED()
    {
        using var channel = server.CreateChannel();
        var id = Guid.NewGuid().ToString();
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(
            TestService.Hang, new HealthCheckRequest { Service = id }, new CallOptions(Timeout: TimeSpan.FromMilliseconds(200), CancellationToken: Token)));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(clock.Elapsed < Generous, $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task The_server_enforces_grpc_timeout_itself()
    {
        // The raw client sets no deadline of its own: status 4 can only come from the server.
        using var raw = server.CreateRawClient();
        var id = Guid.NewGuid().ToString();

        var response = await raw.PostAsync(TestService.Hang.FullName, Frames.Plain(new HealthCheckRequest { Service = id }), headers: ("grpc-timeout", "100m"));

        Assert.Equal(4, response.GrpcStatus);
    }

    [Fact]
    public async Task The_handlers_token_is_cancelled_at_the_deadline()
    {
        // A second, so the handler is surely running when it passes, even on a busy machine.
        using var raw = server.CreateRawClient();
        var id = Guid.NewGuid().ToString();

        var response = await raw.PostAsync(TestService.Hang.FullName, Frames.Plain(new HealthCheckRequest { Service = id }), headers: ("grpc-timeout", "1S"));

        Assert.Equal(4, response.GrpcStatus);
        Assert.True(server.Service.HangStarted(id).IsCompleted);
        await server.Service.HangCancelled(id).WaitAsync(Generous, Token);
    }

    [Fact]
    public async Task A_stream_past_its_deadline_ends_with_DEADLINE_EXCEEDED_in_trailers_after_what_was_sent()
    {
        // Health Watch sends the current status, then waits for changes that never come.
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync(
            HealthService.WatchMethod.FullName, Frames.Plain(new HealthCheckRequest { Service = "" }), headers: ("grpc-timeout", "300m"));

        Assert.Equal(ServingStatus.Serving, Assert.Single(response.Messages(HealthCheckResponse.Parser)).Status);
        Assert.False(response.Headers.ContainsKey("grpc-status"));
        Assert.Equal("4", response.Trailers["grpc-status"]);
    }

    [Fact]
    public async Task A_call_within_its_timeout_succeeds()
    {
        using var channel = server.CreateChannel();

        var reply = await channel.UnaryAsync(
            TestService.Echo, new HealthCheckRequest { Service = "quick" }, new CallOptions(Timeout: TimeSpan.FromSeconds(30), CancellationToken: Token));

        Assert.Equal("quick", reply.Service);
    }

    [Fact]
    public async Task A_malformed_grpc_timeout_is_ignored_rather_than_failing_the_call()
    {
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync(TestService.Echo.FullName, Frames.Plain(new HealthCheckRequest { Service = "x" }), headers: ("grpc-timeout", "soon"));

        Assert.Equal(0, response.GrpcStatus);
    }

    [Fact]
    public async Task A_caller_that_cancels_gets_CANCELLED_and_the_handler_is_told()
    {
        using var channel = server.CreateChannel();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var id = Guid.NewGuid().ToString();

        var call = channel.UnaryAsync(TestService.Hang, new HealthCheckRequest { Service = id }, new CallOptions(CancellationToken: cancel.Token));
        await server.Service.HangStarted(id).WaitAsync(Generous, Token);
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => call);

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await server.Service.HangCancelled(id).WaitAsync(Generous, Token);
    }
}
