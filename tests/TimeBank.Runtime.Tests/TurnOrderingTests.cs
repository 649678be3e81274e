using TimeBank.Runtime.Tests.TestGrains;
using TimeBank.Storage.InMemory;

namespace TimeBank.Runtime.Tests;

public sealed class TurnOrderingTests
{
    [Fact]
    public async Task Ten_thousand_concurrent_calls_to_one_grain_lose_no_update()
    {
        await using var host = Hosts.Create(new InMemoryGrainStorage());
        var grain = host.GetGrain<ICounterGrain>("hot");

        // Each call reads, yields, then writes: if two turns ever overlapped, an increment would be lost.
        var calls = Enumerable.Range(0, 10_000).Select(i => Task.Run(() => grain.IncrementAsync(yieldInside: i % 2 == 0), TestContext.Current.CancellationToken));
        var results = await Task.WhenAll(calls);

        var snapshot = await grain.GetAsync();
        Assert.Equal(10_000, snapshot.Count);
        Assert.Equal(1, snapshot.MaxConcurrentTurns);
        Assert.Equal(Enumerable.Range(1, 10_000).Select(i => (long)i), results.Order());
        Assert.Equal(1, host.ActivationCount);
    }

    [Fact]
    public async Task Calls_run_in_the_order_they_arrived()
    {
        await using var host = Hosts.Create(new InMemoryGrainStorage());
        var grain = host.GetGrain<ICounterGrain>("ordered");

        // Issued one after another without awaiting: each call yields inside, so all but the first queue.
        var calls = new Task<int>[10_000];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = grain.AppendAsync(i);
        }

        await Task.WhenAll(calls);
        var snapshot = await grain.GetAsync();
        Assert.Equal(Enumerable.Range(0, 10_000), snapshot.Appended);
        Assert.Equal(Enumerable.Range(1, 10_000), calls.Select(c => c.Result));
    }

    [Fact]
    public async Task A_thousand_grains_under_concurrent_load_lose_no_update()
    {
        var storage = new InMemoryGrainStorage();
        await using var host = Hosts.Create(storage);
        const int grains = 1_000;
        const int perGrain = 20;

        var random = new Random(42);
        var order = Enumerable.Range(0, grains * perGrain).Select(i => i % grains).OrderBy(_ => random.Next()).ToArray();
        await Parallel.ForEachAsync(
            order,
            new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = TestContext.Current.CancellationToken },
            async (g, _) => await host.GetGrain<ICounterGrain>($"g{g}").IncrementAsync(yieldInside: true));

        for (var g = 0; g < grains; g++)
        {
            var snapshot = await host.GetGrain<ICounterGrain>($"g{g}").GetAsync();
            Assert.Equal(perGrain, snapshot.Count);
            Assert.Equal(1, snapshot.MaxConcurrentTurns);
        }

        // What the grains hold is what storage holds: a fresh host over the same storage reads the same counts.
        await using var fresh = Hosts.Create(storage);
        var total = 0L;
        for (var g = 0; g < grains; g++)
        {
            total += (await fresh.GetGrain<ICounterGrain>($"g{g}").GetAsync()).Count;
        }

        Assert.Equal(grains * perGrain, total);
    }

    [Fact]
    public async Task References_to_the_same_key_reach_the_same_activation()
    {
        await using var host = Hosts.Create(new InMemoryGrainStorage());
        var first = await host.GetGrain<ICounterGrain>("same").GetAsync();
        var second = await host.GetGrain<ICounterGrain>("same").GetAsync();
        var other = await host.GetGrain<ICounterGrain>("other").GetAsync();

        Assert.Equal(first.ActivationId, second.ActivationId);
        Assert.NotEqual(first.ActivationId, other.ActivationId);
        Assert.Equal(2, host.ActivationCount);
    }

    [Fact]
    public async Task An_unregistered_grain_interface_or_empty_key_is_refused()
    {
        await using var host = new GrainHost(new InMemoryGrainStorage());
        Assert.Throws<InvalidOperationException>(() => host.GetGrain<ICounterGrain>("x"));

        await using var registered = Hosts.Create(new InMemoryGrainStorage());
        Assert.Throws<ArgumentException>(() => registered.GetGrain<ICounterGrain>(""));
    }
}
