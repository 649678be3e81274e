using Grpc.Health.V1;
using TimeBank.Rpc.Tests.Support;

namespace TimeBank.Rpc.Tests.EndToEnd;

/// <summary>
/// Whichever of the deadline and the handler finishes first, every call ends with a status: never a
/// reset stream (RST_STREAM(INTERNAL_ERROR) reaches a client as no status at all, and clients do not retry
/// INTERNAL). A one-nanosecond deadline makes the two race on every call.
/// </summary>
public sealed class DeadlineRaceTests(GrpcTestServer server) : IClassFixture<GrpcTestServer>
{
    [Fact]
    public async Task Thousands_of_calls_racing_a_one_nanosecond_deadline_all_end_with_ok_or_deadline_exceeded()
    {
        var calls = Environment.GetEnvironmentVariable("TIMEBANK_LONG_TESTS") == "1" ? 40_000 : 4_000;
        var body = Frames.Plain(new HealthCheckRequest { Service = "race" });
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();

        // Eight connections, each sending its share one call at a time.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            using var raw = server.CreateRawClient();
            for (var i = 0; i < calls / 8; i++)
            {
                string outcome;
                try
                {
                    var response = await raw.PostAsync(TestService.Echo.FullName, body, "application/grpc", ("grpc-timeout", "1n"));
                    outcome = response.GrpcStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no status";
                }
                catch (HttpRequestException e)
                {
                    outcome = $"reset: {e.InnerException?.Message ?? e.Message}";
                }

                statuses.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            }
        }, TestContext.Current.CancellationToken)));

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
        Assert.All(statuses.Keys, status => Assert.True(status is "0" or "4", $"{statuses[status]} call(s) ended as '{status}'"));
    }
}
