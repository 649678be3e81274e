using TimeBank.Runtime;

namespace TimeBank.Runtime.Tests.TestGrains;

public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Reads the count, yields, writes count + 1 and stores it: interleaved turns would lose updates.</summary>
    Task<long> IncrementAsync(bool yieldInside);

    /// <summary>Appends <paramref name="value"/> to an in-memory list (not stored), after a yield.</summary>
    Task<int> AppendAsync(int value);

    Task<CounterSnapshot> GetAsync();

    Task<int> FailAsync(string message);

    /// <summary>Waits for the gate, then increments and stores: lets a test queue calls behind it.</summary>
    Task<long> IncrementAfterAsync(TaskCompletionSource gate);

    /// <summary>Increments, and when the write fails, swallows the failure and writes again in the same turn.</summary>
    Task<long> IncrementWritingAgainAfterAFailureAsync();
}

public sealed record CounterSnapshot(long Count, Guid ActivationId, IReadOnlyList<int> Appended, int MaxConcurrentTurns);
