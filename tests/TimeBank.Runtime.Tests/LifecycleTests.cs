using TimeBank.Runtime.Tests.TestGrains;
using TimeBank.Storage.InMemory;
using TimeBank.Testing;

namespace TimeBank.Runtime.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task An_idle_activation_is_collected_only_after_the_configured_age_and_then_reloads_its_state()
    {
        var clock = new ManualClock();
        var deactivations = new DeactivationLog();
        await using var host = Hosts.Create(
            new InMemoryGrainStorage(), clock, new GrainHostOptions { CollectionAge = TimeSpan.FromMinutes(10), CollectionQuantum = TimeSpan.Zero }, deactivations);
        var grain = host.GetGrain<ICounterGrain>("idle");
        await grain.IncrementAsync(yieldInside: false);
        await grain.IncrementAsync(yieldInside: false);
        var before = await grain.GetAsync();

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(0, await host.CollectIdleActivationsAsync(cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(1, host.ActivationCount);

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await host.CollectIdleActivationsAsync(cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(0, host.ActivationCount);
        Assert.Equal(["idle"], deactivations.Keys);

        // The same reference works after collection: a new activation loads the stored count.
        var after = await grain.GetAsync();
        Assert.NotEqual(before.ActivationId, after.ActivationId);
        Assert.Equal(2, after.Count);
        Assert.Equal(1, host.ActivationCount);
    }

    [Fact]
    public async Task A_call_resets_the_idle_clock()
    {
        var clock = new ManualClock();
        await using var host = Hosts.Create(
            new InMemoryGrainStorage(), clock, new GrainHostOptions { CollectionAge = TimeSpan.FromMinutes(10), CollectionQuantum = TimeSpan.Zero });
        var grain = host.GetGrain<ICounterGrain>("busy");
        await grain.GetAsync();
        clock.Advance(TimeSpan.FromMinutes(8));
        await grain.GetAsync();
        clock.Advance(TimeSpan.FromMinutes(8));

        Assert.Equal(0, await host.CollectIdleActivationsAsync(cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_busy_activation_is_never_collected()
    {
        var clock = new ManualClock();
        await using var host = Hosts.Create(new InMemoryGrainStorage(), clock);
        var grain = host.GetGrain<ICounterGrain>("working");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var call = grain.IncrementAfterAsync(gate);
        clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(0, await host.CollectIdleActivationsAsync(TimeSpan.Zero, TestContext.Current.CancellationToken));
        gate.SetResult();
        Assert.Equal(1, await call);
    }

    [Fact]
    public async Task The_collection_timer_collects_idle_activations_by_itself()
    {
        await using var host = Hosts.Create(
            new InMemoryGrainStorage(), TimeProvider.System,
            new GrainHostOptions { CollectionAge = TimeSpan.FromMilliseconds(50), CollectionQuantum = TimeSpan.FromMilliseconds(50) });
        for (var i = 0; i < 10; i++)
        {
            await host.GetGrain<ICounterGrain>($"t{i}").GetAsync();
        }

        // Generous bound for a shared 2-core machine; typically gone within ~100 ms.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (host.ActivationCount > 0 && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(0, host.ActivationCount);
    }
}
