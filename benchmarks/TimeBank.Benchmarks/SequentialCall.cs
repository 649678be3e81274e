using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TimeBank.Benchmarks.Grains;
using TimeBank.Runtime;

namespace TimeBank.Benchmarks;

/// <summary>
/// The cost of one awaited call on an already-active grain, against the same method awaited directly on a
/// plain object (no host). Each category has its own baseline, so the Ratio column is host cost / plain cost.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SequentialCall
{
    private GrainHost _host = null!;
    private ICounterGrain _grain = null!;
    private ICounterGrain _plain = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _host = BenchmarkHost.Create();
        _grain = _host.GetGrain<ICounterGrain>("sequential");
        await _grain.PingAsync(); // activate it, and fill the reference's activation cache
        _plain = new CounterGrain();
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _host.DisposeAsync();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Ping")]
    public async Task<int> Plain_Ping() => await _plain.PingAsync();

    [Benchmark]
    [BenchmarkCategory("Ping")]
    public async Task<int> Grain_Ping() => await _grain.PingAsync();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Increment")]
    public async Task<long> Plain_Increment() => await _plain.IncrementAsync(1);

    [Benchmark]
    [BenchmarkCategory("Increment")]
    public async Task<long> Grain_Increment() => await _grain.IncrementAsync(1);
}
