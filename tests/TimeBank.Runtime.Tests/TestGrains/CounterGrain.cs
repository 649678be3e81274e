using TimeBank.Runtime;

namespace TimeBank.Runtime.Tests.TestGrains;

public sealed class CounterGrain(DeactivationLog? deactivations = null) : Grain<CounterState>, ICounterGrain
{
    // It keeps calls' effects in memory without writing them (its tests and benchmarks count turns, not
    // rows), so it opts out of "never written, so let it go when idle".
    protected override bool KeepActivationWithoutState => true;

    private readonly Guid _activationId = Guid.NewGuid();
    private readonly List<int> _appended = [];
    private int _inTurn;
    private int _maxConcurrentTurns;

    public async Task<long> IncrementAsync(bool yieldInside)
    {
        using var turn = EnterTurn();
        var seen = State.Count;
        if (yieldInside)
        {
            await Task.Yield();
        }

        State.Count = seen + 1;
        await WriteStateAsync();
        return State.Count;
    }

    public async Task<int> AppendAsync(int value)
    {
        using var turn = EnterTurn();
        await Task.Yield();
        _appended.Add(value);
        return _appended.Count;
    }

    public Task<CounterSnapshot> GetAsync()
        => Task.FromResult(new CounterSnapshot(State.Count, _activationId, _appended.ToArray(), _maxConcurrentTurns));

    public Task<int> FailAsync(string message) => throw new InvalidOperationException(message);

    public async Task<long> IncrementAfterAsync(TaskCompletionSource gate)
    {
        using var turn = EnterTurn();
        await gate.Task;
        State.Count++;
        await WriteStateAsync();
        return State.Count;
    }

    public async Task<long> IncrementWritingAgainAfterAFailureAsync()
    {
        using var turn = EnterTurn();
        State.Count++;
        try
        {
            await WriteStateAsync();
        }
        catch (Storage.StorageUnavailableException)
        {
            // A careless grain carries on with the state whose write failed.
        }

        await WriteStateAsync();
        return State.Count;
    }

    public override Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        deactivations?.Record(GrainId.Key);
        return Task.CompletedTask;
    }

    /// <summary>Counts turns in progress; more than one at once would break the host's promise.</summary>
    private TurnScope EnterTurn()
    {
        var now = Interlocked.Increment(ref _inTurn);
        _maxConcurrentTurns = Math.Max(_maxConcurrentTurns, now);
        return new TurnScope(this);
    }

    private readonly struct TurnScope(CounterGrain grain) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref grain._inTurn);
    }
}

public sealed class DeactivationLog
{
    private readonly List<string> _keys = [];

    public IReadOnlyList<string> Keys
    {
        get
        {
            lock (_keys)
            {
                return _keys.ToArray();
            }
        }
    }

    public void Record(string key)
    {
        lock (_keys)
        {
            _keys.Add(key);
        }
    }
}
