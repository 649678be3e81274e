using TimeBank.Runtime.Tests.TestGrains;
using TimeBank.Storage.InMemory;

namespace TimeBank.Runtime.Tests;

/// <summary>A lookup that finds nothing keeps nothing resident: a never-written grain goes when idle.</summary>
public sealed class ReleaseTests
{
    [Fact]
    public async Task Twenty_thousand_lookups_of_unknown_ids_leave_no_activation_behind()
    {
        await using var host = Hosts.Create(new InMemoryGrainStorage());

        for (var batch = 0; batch < 20; batch++)
        {
            var lookups = Enumerable.Range(batch * 1_000, 1_000).Select(i => host.GetGrain<IProbeGrain>($"ghost-{i}").ExistsAsync());
            Assert.All(await Task.WhenAll(lookups), Assert.False);
        }

        // No collection ran (the quantum is off): the activations went at the end of their own turns.
        Assert.True(await CountSettlesAtAsync(host, 0), $"{host.ActivationCount} activations left");
    }

    [Fact]
    public async Task A_grain_that_wrote_state_stays_active_and_one_that_did_not_answers_every_concurrent_caller()
    {
        await using var host = Hosts.Create(new InMemoryGrainStorage());
        Assert.Equal(1, await host.GetGrain<IProbeGrain>("real").CreateAsync());

        var racing = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(_ => Task.Run(() => host.GetGrain<IProbeGrain>("ghost").ExistsAsync())));

        Assert.All(racing, Assert.False);
        Assert.True(await CountSettlesAtAsync(host, 1), $"{host.ActivationCount} activations");
        Assert.True(await host.GetGrain<IProbeGrain>("real").ExistsAsync());
    }

    /// <summary>Waits (bounded) for releases that complete just after their callers were answered.</summary>
    private static async Task<bool> CountSettlesAtAsync(GrainHost host, int expected)
    {
        for (var i = 0; i < 200 && host.ActivationCount != expected; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        return host.ActivationCount == expected;
    }
}
