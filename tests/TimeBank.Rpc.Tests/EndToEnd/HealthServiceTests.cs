using Grpc.Health.V1;
using TimeBank.Rpc.Client;
using TimeBank.Rpc.Health;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace TimeBank.Rpc.Tests.EndToEnd;

/// <summary>Each test starts its own server: some change the health they then observe.</summary>
public sealed class HealthServiceTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Check_answers_SERVING_for_the_whole_server()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = server.CreateChannel();

        var reply = await channel.UnaryAsync(HealthService.CheckMethod, new HealthCheckRequest { Service = "" }, new CallOptions(CancellationToken: Token));

        Assert.Equal(ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task Check_answers_NOT_FOUND_for_a_service_it_does_not_know()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(
            () => channel.UnaryAsync(HealthService.CheckMethod, new HealthCheckRequest { Service = "no.such.Service" }, new CallOptions(CancellationToken: Token)));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Check_reports_a_status_once_it_is_set()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = server.CreateChannel();
        server.Health.SetStatus("timebank.v1.VolunteerService", ServingStatus.NotServing);

        var reply = await channel.UnaryAsync(
            HealthService.CheckMethod, new HealthCheckRequest { Service = "timebank.v1.VolunteerService" }, new CallOptions(CancellationToken: Token));

        Assert.Equal(ServingStatus.NotServing, reply.Status);
    }

    [Fact]
    public async Task Watch_streams_SERVING_first_then_NOT_SERVING_when_it_changes()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = server.CreateChannel();

        var seen = await WatchUntil(channel, "", 2, () => server.Health.SetStatus("", ServingStatus.NotServing));

        Assert.Equal([ServingStatus.Serving, ServingStatus.NotServing], seen);
    }

    [Fact]
    public async Task Watch_of_an_unknown_service_says_SERVICE_UNKNOWN_until_it_is_registered()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = server.CreateChannel();

        var seen = await WatchUntil(channel, "timebank.v1.LedgerService", 2, () => server.Health.SetStatus("timebank.v1.LedgerService", ServingStatus.Serving));

        Assert.Equal([ServingStatus.ServiceUnknown, ServingStatus.Serving], seen);
    }

    [Fact]
    public async Task Watch_is_not_told_about_other_services()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = server.CreateChannel();

        var seen = await WatchUntil(channel, "", 2, () =>
        {
            server.Health.SetStatus("some.Other", ServingStatus.NotServing);
            server.Health.SetStatus("", ServingStatus.NotServing);
        });

        Assert.Equal([ServingStatus.Serving, ServingStatus.NotServing], seen);
    }

    /// <summary>Watches <paramref name="service"/>, runs <paramref name="afterFirst"/> once the first status is in, stops after <paramref name="count"/>.</summary>
    private static async Task<List<ServingStatus>> WatchUntil(GrpcChannel channel, string service, int count, Action afterFirst)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var seen = new List<ServingStatus>();
        await foreach (var update in channel.ServerStreamingAsync(HealthService.WatchMethod, new HealthCheckRequest { Service = service }, cancellationToken: timeout.Token))
        {
            seen.Add(update.Status);
            if (seen.Count == 1)
            {
                // The watcher is registered before the first status is sent, so this change cannot be missed.
                afterFirst();
            }

            if (seen.Count == count)
            {
                break;
            }
        }

        return seen;
    }
}
