using Grpc.Health.V1;
using TimeBank.Rpc.Health;
using TimeBank.Rpc.Tests.Support;

namespace TimeBank.Rpc.Tests.EndToEnd;

/// <summary>
/// An error never grows with the request: whatever a handler echoes, the status message is cut (and says
/// so) and a status's headers and trailers stay within 8 KiB, so clients that refuse large trailers still
/// read the real error.
/// </summary>
public sealed class StatusSizeTests(GrpcTestServer server) : IClassFixture<GrpcTestServer>
{
    private const int MetadataBudget = 8 * 1024;

    public static readonly TheoryData<string> HugeTexts = [new string('x', 1024 * 1024), new string('\u0001', 1024 * 1024), string.Concat(Enumerable.Repeat("王芳😀", 200_000))];

    [Theory]
    [MemberData(nameof(HugeTexts))]
    public async Task A_handler_echoing_a_megabyte_sends_a_cut_message_within_the_budget(string text)
    {
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync(TestService.FailWith.FullName, Frames.Plain(new HealthCheckRequest { Service = text }));

        Assert.Equal(10, response.GrpcStatus); // ABORTED, as the handler said: not RESOURCE_EXHAUSTED
        Assert.True(response.AllMetadataText.Length < MetadataBudget, $"{response.AllMetadataText.Length} bytes of metadata");
        Assert.EndsWith("...(cut)", Internal.PercentEncoding.Decode(response.GrpcMessage!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_megabyte_health_service_name_gets_a_short_not_found()
    {
        using var raw = server.CreateRawClient();

        var response = await raw.PostAsync(HealthService.CheckMethod.FullName, Frames.Plain(new HealthCheckRequest { Service = new string('s', 1024 * 1024) }));

        Assert.Equal(5, response.GrpcStatus);
        Assert.True(response.AllMetadataText.Length < 512, $"{response.AllMetadataText.Length} bytes of metadata");
        Assert.Contains("...(cut)", response.GrpcMessage, StringComparison.Ordinal);
    }
}
