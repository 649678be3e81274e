using TimeBank.Storage.Internal;
using TimeBank.Storage.Keys;
using TimeBank.Storage.Reports;

namespace TimeBank.Storage.InMemory;

/// <summary>
/// Storage in process memory, with the same version and journal rules as the databases. For tests and
/// benchmarks of the grain host; nothing survives the process.
/// </summary>
public sealed class InMemoryGrainStorage : IGrainStorage, IApiKeyStore, IReportStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredState> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<JournalEntry>> _journals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _reminders = new(StringComparer.Ordinal);
    private readonly Dictionary<(string CallerKeyId, string RequestId), RequestRecord> _requests = [];
    private readonly Dictionary<string, StoredApiKey> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Scope, string Name, string Period, string Key), long> _tallies = [];
    private readonly Dictionary<string, Standing> _standings = new(StringComparer.Ordinal);
    private readonly HashSet<ActiveMark> _marks = [];

    public string Name => "memory";

    public Task<StoredState?> ReadStateAsync(string grainId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_states.GetValueOrDefault(grainId));
        }
    }

    public Task<long> WriteStateAsync(StateWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        lock (_gate)
        {
            var current = _states.TryGetValue(write.GrainId, out var stored) ? stored.Version : 0;
            if (current != write.ExpectedVersion)
            {
                return Task.FromException<long>(new StaleStateException(write.GrainId, write.ExpectedVersion));
            }

            if (write.Journal.FirstOrDefault(e => e.Amount <= 0) is { } bad)
            {
                // The databases' CHECK (amount > 0), so tests on memory see what they would.
                return Task.FromException<long>(new StorageRejectedException(
                    $"Journal row {bad.Sequence} of '{write.GrainId}' has amount {bad.Amount}; amounts are positive."));
            }

            if (write.Request is { } request && _requests.ContainsKey((request.CallerKeyId, request.RequestId)))
            {
                return Task.FromException<long>(new DuplicateRequestException(request.CallerKeyId, request.RequestId));
            }

            if (write.Journal.Count > 0)
            {
                var journal = _journals.TryGetValue(write.GrainId, out var existing) ? existing : null;
                foreach (var entry in write.Journal)
                {
                    if (journal is not null && HoldsSequence(journal, entry.Sequence))
                    {
                        return Task.FromException<long>(new StaleStateException(
                            $"Journal of '{write.GrainId}' already holds sequence {entry.Sequence}."));
                    }
                }

                if (journal is null)
                {
                    journal = [];
                    _journals.Add(write.GrainId, journal);
                }

                journal.AddRange(write.Journal);
                if (journal.Count > write.Journal.Count && journal[^(write.Journal.Count + 1)].Sequence > write.Journal[0].Sequence)
                {
                    journal.Sort((a, b) => a.Sequence.CompareTo(b.Sequence)); // kept in sequence order for the binary search
                }
            }

            if (write.Request is { } accepted)
            {
                _requests.Add((accepted.CallerKeyId, accepted.RequestId), accepted with { Fingerprint = accepted.Fingerprint.ToArray(), Result = accepted.Result.ToArray() });
            }

            if (write.StateUnchanged)
            {
                return Task.FromResult(current);
            }

            foreach (var tally in write.Tallies)
            {
                var key = (tally.Scope, tally.Name, tally.Period, tally.Key);
                _tallies[key] = _tallies.GetValueOrDefault(key) + tally.Amount;
            }

            if (write.Standing is { } standing)
            {
                _standings[write.GrainId] = standing;
            }

            _marks.UnionWith(write.Marks);

            var version = current + 1;
            _states[write.GrainId] = new StoredState(version, write.Payload.ToArray()) { Reminders = write.Reminders.ToArray() };
            if (write.NextReminderAt is { } due)
            {
                _reminders[write.GrainId] = due;
            }
            else
            {
                _reminders.Remove(write.GrainId);
            }
            return Task.FromResult(version);
        }
    }

    public Task<RequestRecord?> FindRequestAsync(string callerKeyId, string requestId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_requests.GetValueOrDefault((callerKeyId, requestId)));
        }
    }

    public Task<IReadOnlyList<JournalEntry>> FindJournalByRequestAsync(string grainId, string requestId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<JournalEntry> found = _journals.TryGetValue(grainId, out var journal)
                ? journal.Where(e => e.RequestId == requestId).OrderBy(e => e.Leg).ToArray()
                : [];
            return Task.FromResult(found);
        }
    }

    public Task<IReadOnlyList<DueReminder>> ReadDueRemindersAsync(DateTimeOffset until, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            IReadOnlyList<DueReminder> due = _reminders.Where(r => r.Value <= until).OrderBy(r => r.Value).Take(limit)
                .Select(r => new DueReminder(r.Key, r.Value)).ToArray();
            return Task.FromResult(due);
        }
    }

    public Task<IReadOnlyList<GrainJournalEntry>> ReadAllJournalAsync(string afterGrainId, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(afterGrainId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            IReadOnlyList<GrainJournalEntry> page = _journals
                .Where(j => string.CompareOrdinal(j.Key, afterGrainId) >= 0)
                .OrderBy(j => j.Key, StringComparer.Ordinal)
                .SelectMany(j => j.Value.OrderBy(e => e.Sequence).Select(e => new GrainJournalEntry(j.Key, e)))
                .Where(r => string.CompareOrdinal(r.GrainId, afterGrainId) > 0 || r.Entry.Sequence > afterSequence)
                .Take(limit)
                .ToArray();
            return Task.FromResult(page);
        }
    }

    public Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(string grainId, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<JournalEntry> page = _journals.TryGetValue(grainId, out var journal)
                ? journal.Where(e => e.Sequence > afterSequence).OrderBy(e => e.Sequence).Take(limit).ToArray()
                : [];
            return Task.FromResult(page);
        }
    }

    public Task<IReadOnlyList<StoredApiKey>> ReadAllKeysAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<StoredApiKey>>(_keys.Values.ToArray());
        }
    }

    public Task CreateKeyAsync(StoredApiKey key, RequestRecord? request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (request is not null && _requests.ContainsKey((request.CallerKeyId, request.RequestId)))
            {
                return Task.FromException(new DuplicateRequestException(request.CallerKeyId, request.RequestId));
            }

            if (_keys.ContainsKey(key.KeyId))
            {
                return Task.FromException(new StaleStateException($"Key '{key.KeyId}' exists already."));
            }

            _keys.Add(key.KeyId, key with { SecretHash = key.SecretHash.ToArray() });
            Record(request);
            return Task.CompletedTask;
        }
    }

    public Task<StoredApiKey?> RevokeKeyAsync(string keyId, DateTimeOffset revokedAt, RequestRecord? request, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (request is not null && _requests.ContainsKey((request.CallerKeyId, request.RequestId)))
            {
                return Task.FromException<StoredApiKey?>(new DuplicateRequestException(request.CallerKeyId, request.RequestId));
            }

            if (!_keys.TryGetValue(keyId, out var key))
            {
                return Task.FromResult<StoredApiKey?>(null);
            }

            key = key with { RevokedAt = key.RevokedAt ?? revokedAt };
            _keys[keyId] = key;
            Record(request);
            return Task.FromResult<StoredApiKey?>(key);
        }
    }

    public Task RecordKeyUseAsync(IReadOnlyCollection<KeyValuePair<string, DateTimeOffset>> lastUsed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lastUsed);
        lock (_gate)
        {
            foreach (var (keyId, at) in lastUsed)
            {
                if (_keys.TryGetValue(keyId, out var key) && (key.LastUsedAt is null || key.LastUsedAt < at))
                {
                    _keys[keyId] = key with { LastUsedAt = at };
                }
            }
        }

        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Record(RequestRecord? request)
    {
        if (request is not null)
        {
            _requests.Add((request.CallerKeyId, request.RequestId), request with { Fingerprint = request.Fingerprint.ToArray(), Result = request.Result.ToArray() });
        }
    }

    /// <summary>Binary search of a journal kept in sequence order: a write checks its keys in O(log n), not by a scan.</summary>
    private static bool HoldsSequence(List<JournalEntry> journal, long sequence)
    {
        int low = 0, high = journal.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var found = journal[middle].Sequence;
            if (found == sequence)
            {
                return true;
            }

            if (found < sequence)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return false;
    }

    public Task<IReadOnlyList<TallySum>> SumTalliesAsync(string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<TallySum> sums = _tallies
                .Where(t => (scope is null || t.Key.Scope == scope)
                    && string.CompareOrdinal(t.Key.Period, fromPeriod) >= 0 && string.CompareOrdinal(t.Key.Period, toPeriod) <= 0)
                .GroupBy(t => (t.Key.Name, t.Key.Period, t.Key.Key))
                .Select(g => new TallySum(g.Key.Name, g.Key.Period, g.Key.Key, g.Sum(t => t.Value)))
                .ToList();
            return Task.FromResult(sums);
        }
    }

    public Task<IReadOnlyList<RankedMember>> ReadTopAsync(string? scope, StandingPeriod kind, string period, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var ranked = _standings.Values
                .Where(s => scope is null || s.Scope == scope)
                .Select(s => new RankedMember(s.Scope, s.Member, kind switch
                {
                    StandingPeriod.Month => s.Month == period ? s.MonthAmount : 0,
                    StandingPeriod.Year => s.Year == period ? s.YearAmount : 0,
                    _ => s.AllAmount,
                }))
                .Where(m => m.Amount > 0)
                .OrderByDescending(m => m.Amount).ThenBy(m => m.Member, StringComparer.Ordinal).ThenBy(m => m.Scope, StringComparer.Ordinal)
                .Take((int)TopStandings.RowsToRead(limit))
                .ToList();
            return Task.FromResult(TopStandings.Take(ranked, limit));
        }
    }

    public Task<long> CountActiveMembersAsync(string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            long count = MarkedIn(scope, fromPeriod, toPeriod).Select(m => (m.Scope, m.Member)).Distinct().Count();
            return Task.FromResult(count);
        }
    }

    public Task<IReadOnlyList<KeyValuePair<string, long>>> CountActiveMembersByPeriodAsync(string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<KeyValuePair<string, long>> counts = MarkedIn(scope, fromPeriod, toPeriod)
                .GroupBy(m => m.Period, StringComparer.Ordinal)
                .Select(g => KeyValuePair.Create(g.Key, (long)g.Count()))
                .ToList();
            return Task.FromResult(counts);
        }
    }

    private List<ActiveMark> MarkedIn(string? scope, string fromPeriod, string toPeriod)
        => _marks
            .Where(m => (scope is null || m.Scope == scope) && m.Period.Length == fromPeriod.Length
                && string.CompareOrdinal(m.Period, fromPeriod) >= 0 && string.CompareOrdinal(m.Period, toPeriod) <= 0)
            .ToList();
}
