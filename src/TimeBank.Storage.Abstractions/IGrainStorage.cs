namespace TimeBank.Storage;

/// <summary>
/// Where grain state and the ledger journal live. A state row carries a version; a write names the
/// version it read and fails with <see cref="StaleStateException"/> when another writer got there first.
/// A write's state and journal rows commit together, and the returned task completes only once they are
/// durable.
/// </summary>
public interface IGrainStorage : IAsyncDisposable
{
    /// <summary>The provider's name for logs: "sqlite", "memory", ...</summary>
    string Name { get; }

    /// <summary>Reads a grain's state; <see langword="null"/> when the grain has never been written.</summary>
    Task<StoredState?> ReadStateAsync(string grainId, CancellationToken cancellationToken = default);

    /// <summary>Writes state and appends journal rows atomically. Returns the new version.</summary>
    /// <exception cref="StaleStateException">The stored version is not <see cref="StateWrite.ExpectedVersion"/>,
    /// or a journal row with the same key (grain, sequence) is already there.</exception>
    /// <exception cref="DuplicateRequestException">The write's <see cref="StateWrite.Request"/> is already stored.</exception>
    /// <exception cref="StorageRejectedException">The database refused a row (e.g. a non-positive amount); a bug in the writer.</exception>
    /// <exception cref="StorageUnavailableException">The database could not commit.</exception>
    Task<long> WriteStateAsync(StateWrite write, CancellationToken cancellationToken = default);

    /// <summary>The stored request record of one caller's request id, or null when it is new.</summary>
    Task<RequestRecord?> FindRequestAsync(string callerKeyId, string requestId, CancellationToken cancellationToken = default);

    /// <summary>Journal rows a grain wrote for one client request id, in leg order (empty when none). Reads the
    /// grain's whole journal: for audits and tests, not for the hot path (idempotency is <see cref="FindRequestAsync"/>).</summary>
    Task<IReadOnlyList<JournalEntry>> FindJournalByRequestAsync(string grainId, string requestId, CancellationToken cancellationToken = default);

    /// <summary>A grain's journal rows with <see cref="JournalEntry.Sequence"/> greater than <paramref name="afterSequence"/>, oldest first.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(string grainId, long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>Grains whose earliest reminder is due at or before <paramref name="until"/>, earliest first.</summary>
    Task<IReadOnlyList<DueReminder>> ReadDueRemindersAsync(DateTimeOffset until, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every grain's journal, ordered by grain id then sequence, starting after (<paramref name="afterGrainId"/>,
    /// <paramref name="afterSequence"/>) (use "" and 0 to start): a walk over the whole journal, a page at a time,
    /// for verification and audits.
    /// </summary>
    Task<IReadOnlyList<GrainJournalEntry>> ReadAllJournalAsync(string afterGrainId, long afterSequence, int limit, CancellationToken cancellationToken = default);
}
