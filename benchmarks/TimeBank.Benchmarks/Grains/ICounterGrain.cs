using TimeBank.Runtime;

namespace TimeBank.Benchmarks.Grains;

/// <summary>A benchmark-only grain: an in-memory counter that never writes its state.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds <paramref name="by"/> to the in-memory count and returns it (no state write).</summary>
    Task<long> IncrementAsync(long by);

    /// <summary>Does nothing; completes synchronously with a cached task.</summary>
    Task<int> PingAsync();

    /// <summary>Yields to the thread pool first (a stand-in for a grain that awaits I/O), then increments.</summary>
    Task<long> YieldThenIncrementAsync(long by);
}
