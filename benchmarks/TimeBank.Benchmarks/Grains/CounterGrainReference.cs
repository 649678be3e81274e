using TimeBank.Runtime;

namespace TimeBank.Benchmarks.Grains;

/// <summary>The typed reference callers hold (what Orleans would generate), written by hand.</summary>
public sealed class CounterGrainReference(GrainReferenceContext context) : GrainReference(context), ICounterGrain
{
    public Task<long> IncrementAsync(long by)
        => InvokeAsync(static (ICounterGrain g, long b) => g.IncrementAsync(b), by);

    public Task<int> PingAsync()
        => InvokeAsync(static (ICounterGrain g, byte _) => g.PingAsync(), (byte)0);

    public Task<long> YieldThenIncrementAsync(long by)
        => InvokeAsync(static (ICounterGrain g, long b) => g.YieldThenIncrementAsync(b), by);
}
