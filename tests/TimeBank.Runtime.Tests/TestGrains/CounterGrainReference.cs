using TimeBank.Runtime;

namespace TimeBank.Runtime.Tests.TestGrains;

public sealed class CounterGrainReference(GrainReferenceContext context) : GrainReference(context), ICounterGrain
{
    public Task<long> IncrementAsync(bool yieldInside)
        => InvokeAsync(static (ICounterGrain g, bool y) => g.IncrementAsync(y), yieldInside);

    public Task<int> AppendAsync(int value)
        => InvokeAsync(static (ICounterGrain g, int v) => g.AppendAsync(v), value);

    public Task<CounterSnapshot> GetAsync()
        => InvokeAsync(static (ICounterGrain g, byte _) => g.GetAsync(), (byte)0);

    public Task<int> FailAsync(string message)
        => InvokeAsync(static (ICounterGrain g, string m) => g.FailAsync(m), message);

    public Task<long> IncrementAfterAsync(TaskCompletionSource gate)
        => InvokeAsync(static (ICounterGrain g, TaskCompletionSource t) => g.IncrementAfterAsync(t), gate);
}
