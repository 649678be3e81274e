using TimeBank.Runtime;

namespace TimeBank.Benchmarks.Grains;

public sealed class CounterState
{
    public long Count { get; set; }
}

/// <summary>
/// The counter. A <see cref="Grain{TState}"/> so that activation reads (empty) state from storage as a real
/// grain does; it never calls WriteStateAsync. Also usable as a plain object (no host) for the baselines.
/// </summary>
public sealed class CounterGrain : Grain<CounterState>, ICounterGrain
{
    // It keeps calls' effects in memory without writing them (its tests and benchmarks count turns, not
    // rows), so it opts out of "never written, so let it go when idle".
    protected override bool KeepActivationWithoutState => true;

    public const string TypeName = "counter";

    public Task<long> IncrementAsync(long by)
    {
        State.Count += by;
        return Task.FromResult(State.Count);
    }

    public Task<int> PingAsync() => Task.FromResult(0);

    public async Task<long> YieldThenIncrementAsync(long by)
    {
        await Task.Yield();
        State.Count += by;
        return State.Count;
    }
}
