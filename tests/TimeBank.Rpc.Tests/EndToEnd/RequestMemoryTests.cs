using Grpc.Health.V1;
using TimeBank.Rpc.Tests.Support;

namespace TimeBank.Rpc.Tests.EndToEnd;

[CollectionDefinition(nameof(RequestMemoryTests), DisableParallelization = true)]
public sealed class MemoryProbeCollection;

/// <summary>
/// What a request can cost: sixteen concurrent 4 MiB messages made of two million unknown fields each once
/// took a server from ~270 to ~1,150 MiB and kept it. Now unknown fields are dropped while parsing and only
/// four large messages are read at once. A memory probe, not a timing: it samples the managed heap while
/// the calls run and after a full collection, alone (no test runs beside it).
/// </summary>
[Collection(nameof(RequestMemoryTests))]
public sealed class RequestMemoryTests(GrpcTestServer server) : IClassFixture<GrpcTestServer>
{
    private const long Mebibyte = 1024 * 1024;

    [Fact]
    public async Task Sixteen_concurrent_four_megabyte_messages_of_unknown_fields_cost_a_bounded_heap_and_keep_nothing()
    {
        // Field 15 (unknown to HealthCheckRequest), varint 127: two bytes a field, ~2 million of them.
        var fields = new byte[4 * Mebibyte - 64];
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            fields[i] = 15 << 3;
            fields[i + 1] = 127;
        }

        var body = Frames.Build(0, fields);
        using var warm = server.CreateRawClient();
        Assert.Equal(0, (await warm.PostAsync(TestService.Echo.FullName, Frames.Plain(new HealthCheckRequest { Service = "warm" }))).GrpcStatus);
        var before = GC.GetTotalMemory(forceFullCollection: true);

        using var sampling = new CancellationTokenSource();
        var peak = before;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                await Task.Delay(2, CancellationToken.None);
            }
        }, TestContext.Current.CancellationToken);
        var calls = Enumerable.Range(0, 16).Select(async _ =>
        {
            using var raw = server.CreateRawClient();
            return await raw.PostAsync(TestService.Echo.FullName, body);
        });
        var responses = await Task.WhenAll(calls);
        await sampling.CancelAsync();
        await sampler;
        var after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.All(responses, r => Assert.Equal(0, r.GrpcStatus));
        Assert.All(responses, r => Assert.Equal(new HealthCheckRequest(), Assert.Single(r.Messages(HealthCheckRequest.Parser)))); // nothing unknown kept or echoed
        TestContext.Current.TestOutputHelper?.WriteLine($"heap before {before / Mebibyte} MiB, peak {peak / Mebibyte} MiB, after {after / Mebibyte} MiB");
        Assert.True(peak - before < 200 * Mebibyte, $"peak grew {(peak - before) / Mebibyte} MiB");
        Assert.True(after - before < 64 * Mebibyte, $"{(after - before) / Mebibyte} MiB kept after the calls");
    }
}
