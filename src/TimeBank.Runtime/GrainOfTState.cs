using TimeBank.Storage;

namespace TimeBank.Runtime;

/// <summary>
/// A grain with persistent state: loaded at activation, written only when the grain calls
/// <see cref="WriteStateAsync"/>. A failed write throws to the caller and discards the activation, so memory
/// never holds what the database does not.
/// </summary>
public abstract class Grain<TState> : Grain
    where TState : class, new()
{
    private long _version;

    protected TState State { get; private set; } = new();

    /// <summary>True once the state has been written at least once.</summary>
    protected bool StateExists => _version > 0;

    /// <summary>The stored version this activation's state was read or last written at.</summary>
    protected long StateVersion => _version;

    /// <summary>
    /// A grain whose state was never written holds nothing worth keeping (a lookup of an unknown id), so by
    /// default its activation goes as soon as it is idle: a million lookups of unknown ids keep nothing
    /// resident. A grain that keeps useful memory without stored state says true.
    /// </summary>
    protected virtual bool KeepActivationWithoutState => false;

    /// <summary>Writes the state and the journal rows that explain the change, atomically and durably.</summary>
    /// <exception cref="StaleStateException">Another writer changed the state first; the activation is discarded.</exception>
    /// <exception cref="StorageUnavailableException">The database did not commit; the activation is discarded.</exception>
    /// <param name="request">The caller's request this write answers, stored in the same transaction.</param>
    /// <exception cref="DuplicateRequestException">The request id is already recorded; the activation is discarded.</exception>
    protected async Task WriteStateAsync(IReadOnlyList<JournalEntry>? journal = null, RequestRecord? request = null)
    {
        var host = Activation.Host;
        var payload = host.Serializer.Serialize(State);
        try
        {
            // No cancellation: once handed to storage, a write either commits or fails; a caller that gave up
            // learns the outcome by retrying with the same request id.
            _version = await host.Storage.WriteStateAsync(
                new StateWrite(GrainId.ToString(), _version, payload, journal ?? StateWrite.NoJournal) { Request = request }, CancellationToken.None);
            Activation.Stateless = false;
        }
        catch
        {
            Activation.DiscardAfterTurn();
            throw;
        }
    }

    /// <summary>Forgets this activation's in-memory state once the current turn ends: the next call reloads what
    /// is stored. For a turn that may have changed state and then decided not to write it.</summary>
    protected void DiscardAfterTurn() => Activation.DiscardAfterTurn();

    /// <summary>The stored answer to one caller's request id, or null when the id is new to that caller.</summary>
    protected Task<RequestRecord?> FindRequestAsync(string callerKeyId, string requestId, CancellationToken cancellationToken = default)
        => Activation.Host.Storage.FindRequestAsync(callerKeyId, requestId, cancellationToken);

    /// <summary>This grain's journal rows for one client request id (empty when the request is new).</summary>
    protected Task<IReadOnlyList<JournalEntry>> FindJournalByRequestAsync(string requestId, CancellationToken cancellationToken = default)
        => Activation.Host.Storage.FindJournalByRequestAsync(GrainId.ToString(), requestId, cancellationToken);

    /// <summary>A page of this grain's journal, oldest first, after <paramref name="afterSequence"/>.</summary>
    protected Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(long afterSequence, int limit, CancellationToken cancellationToken = default)
        => Activation.Host.Storage.ReadJournalAsync(GrainId.ToString(), afterSequence, limit, cancellationToken);

    internal override async Task LoadStateAsync(CancellationToken cancellationToken)
    {
        var host = Activation.Host;
        var stored = await host.Storage.ReadStateAsync(GrainId.ToString(), cancellationToken);
        if (stored is not null)
        {
            State = host.Serializer.Deserialize<TState>(stored.Payload.Span);
            _version = stored.Version;
        }

        // Read once here, so the end of every turn checks a field rather than asking the grain.
        Activation.Stateless = _version == 0 && !KeepActivationWithoutState;
    }
}
