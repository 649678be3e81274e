using TimeBank.Storage;
using TimeBank.Storage.InMemory;

namespace TimeBank.Runtime.Tests;

/// <summary>
/// The in-memory provider with failures on request: the way to make a database refuse a write or a read at
/// an exact moment. Everything else passes straight through to the real provider.
/// </summary>
public sealed class FaultyStorage : IGrainStorage
{
    private readonly InMemoryGrainStorage _inner = new();
    private int _failWrites;
    private int _failReads;

    public string Name => "faulty-memory";

    public IGrainStorage Inner => _inner;

    public void FailNextWrites(int count) => Volatile.Write(ref _failWrites, count);

    public void FailNextReads(int count) => Volatile.Write(ref _failReads, count);

    public Task<StoredState?> ReadStateAsync(string grainId, CancellationToken cancellationToken = default)
        => TryConsume(ref _failReads)
            ? Task.FromException<StoredState?>(new StorageUnavailableException("injected read failure"))
            : _inner.ReadStateAsync(grainId, cancellationToken);

    public Task<long> WriteStateAsync(StateWrite write, CancellationToken cancellationToken = default)
        => TryConsume(ref _failWrites)
            ? Task.FromException<long>(new StorageUnavailableException("injected write failure"))
            : _inner.WriteStateAsync(write, cancellationToken);

    public Task<RequestRecord?> FindRequestAsync(string callerKeyId, string requestId, CancellationToken cancellationToken = default)
        => _inner.FindRequestAsync(callerKeyId, requestId, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> FindJournalByRequestAsync(string grainId, string requestId, CancellationToken cancellationToken = default)
        => _inner.FindJournalByRequestAsync(grainId, requestId, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(string grainId, long afterSequence, int limit, CancellationToken cancellationToken = default)
        => _inner.ReadJournalAsync(grainId, afterSequence, limit, cancellationToken);

    public Task<IReadOnlyList<DueReminder>> ReadDueRemindersAsync(DateTimeOffset until, int limit, CancellationToken cancellationToken = default)
        => _inner.ReadDueRemindersAsync(until, limit, cancellationToken);

    public Task<IReadOnlyList<GrainJournalEntry>> ReadAllJournalAsync(string afterGrainId, long afterSequence, int limit, CancellationToken cancellationToken = default)
        => _inner.ReadAllJournalAsync(afterGrainId, afterSequence, limit, cancellationToken);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    private static bool TryConsume(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
