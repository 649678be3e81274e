using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TimeBank.Benchmarks.Grains;
using TimeBank.Runtime;

namespace TimeBank.Benchmarks;

/// <summary>
/// 1,000 active grains, 256 concurrent async loops, each making 1,000 sequential awaited calls to grains picked
/// pseudo-randomly (xorshift, seeded per loop): 256,000 calls per invocation, and OperationsPerInvoke makes the
/// Mean column the time per call; the Calls/s column is 1e9 / Mean in ns.
/// </summary>
/// <remarks>
/// "Sync": the grain method completes synchronously, so a call to an idle activation runs inline and a loop
/// never yields; the concurrency is the thread pool's (2 cores here), not 256 calls truly in flight.
/// "Yield": the grain method first yields to the thread pool (a stand-in for awaiting I/O), so 256 calls really
/// are in flight and calls meet busy activations and queue. Each category has a plain-object baseline; the plain
/// objects are shared by the loops without any protection (lost increments are fine here; serializing the calls
/// is exactly what the host adds).
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class Throughput
{
    public const int GrainCount = 1_000;
    public const int Concurrency = 256;
    public const int CallsPerLoop = 1_000;
    public const int CallsPerInvoke = Concurrency * CallsPerLoop;

    private readonly Task[] _loops = new Task[Concurrency];
    private GrainHost _host = null!;
    private ICounterGrain[] _grains = null!;
    private ICounterGrain[] _plains = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _host = BenchmarkHost.Create();
        _grains = new ICounterGrain[GrainCount];
        _plains = new ICounterGrain[GrainCount];
        for (var i = 0; i < GrainCount; i++)
        {
            _grains[i] = _host.GetGrain<ICounterGrain>($"throughput-{i}");
            await _grains[i].PingAsync(); // activate every grain before measuring
            _plains[i] = new CounterGrain();
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _host.DisposeAsync();

    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerInvoke)]
    [BenchmarkCategory("Sync")]
    public Task Plain_Increment() => RunLoops(_plains, static g => g.IncrementAsync(1));

    [Benchmark(OperationsPerInvoke = CallsPerInvoke)]
    [BenchmarkCategory("Sync")]
    public Task Grain_Increment() => RunLoops(_grains, static g => g.IncrementAsync(1));

    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerInvoke)]
    [BenchmarkCategory("Yield")]
    public Task Plain_YieldThenIncrement() => RunLoops(_plains, static g => g.YieldThenIncrementAsync(1));

    [Benchmark(OperationsPerInvoke = CallsPerInvoke)]
    [BenchmarkCategory("Yield")]
    public Task Grain_YieldThenIncrement() => RunLoops(_grains, static g => g.YieldThenIncrementAsync(1));

    private Task RunLoops(ICounterGrain[] targets, Func<ICounterGrain, Task> call)
    {
        for (var i = 0; i < Concurrency; i++)
        {
            var seed = (uint)i + 1;
            _loops[i] = Task.Run(() => LoopAsync(targets, call, seed));
        }

        return Task.WhenAll(_loops);
    }

    private static async Task LoopAsync(ICounterGrain[] targets, Func<ICounterGrain, Task> call, uint seed)
    {
        var x = (seed * 2654435761u) | 1; // xorshift32 state; never zero
        for (var k = 0; k < CallsPerLoop; k++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            await call(targets[x % GrainCount]);
        }
    }
}
