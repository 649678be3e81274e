using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TimeBank.Storage.Internal;
using TimeBank.Storage.Keys;
using TimeBank.Storage.Reports;

namespace TimeBank.Storage.Postgres;

/// <summary>
/// PostgreSQL, for production and for several server processes on one database. Writes are group-committed
/// by one writer loop per process (see <see cref="PostgresBatchCommit"/>); each state row's version keeps
/// processes honest with each other: a stale write is refused, never merged.
/// </summary>
public sealed class PostgresGrainStorage : IGrainStorage, IApiKeyStore, IReportStore
{
    private static readonly string[] SynchronousCommitValues = ["on", "off", "local", "remote_write", "remote_apply"];

    private readonly NpgsqlDataSource _dataSource;
    private readonly GroupCommitQueue _queue;
    private readonly PostgresRequestLookup _requestLookup;
    private readonly Task _writerLoop;
    private readonly PostgresApiKeys _keys;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;

    private PostgresGrainStorage(NpgsqlDataSource dataSource, PostgresStorageOptions options, string location, TimeProvider clock, ILogger logger)
    {
        _dataSource = dataSource;
        _clock = clock;
        _logger = logger;
        Location = location;
        _queue = new GroupCommitQueue("PostgreSQL", options.MaxBatchSize, options.BatchWindow, clock);
        _requestLookup = new PostgresRequestLookup(dataSource, options.LookupConcurrency);
        _keys = new PostgresApiKeys(dataSource);
        _writerLoop = Task.Run(RunWriterAsync);
    }

    public string Name => "postgres";

    /// <summary>host:port/database, for logs (never the password).</summary>
    public string Location { get; }

    public static async Task<PostgresGrainStorage> OpenAsync(
        PostgresStorageOptions options, TimeProvider? clock = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!SynchronousCommitValues.Contains(options.SynchronousCommit))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SynchronousCommit, $"SynchronousCommit must be one of {string.Join(", ", SynchronousCommitValues)}.");
        }

        if (options.LookupConcurrency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LookupConcurrency, "LookupConcurrency must be at least 1.");
        }

        logger ??= NullLogger.Instance;
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        // Set per connection, so a server configured with synchronous_commit=off cannot weaken what we promise.
        builder.Options = $"{builder.Options} -c synchronous_commit={options.SynchronousCommit}".Trim();
        // The storage sends a few statements over and over (a batch's six, the reads): prepared once per connection,
        // they are not parsed and planned again for every batch. A connection string that says otherwise wins.
        if (!options.ConnectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }
        var location = $"{builder.Host}:{builder.Port}/{builder.Database}";
        var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        try
        {
            var applied = await PostgresSchema.MigrateAsync(dataSource, cancellationToken);
            StorageLog.SchemaReady(logger, "postgres", location, applied.Count);
        }
        catch (NpgsqlException e)
        {
            await dataSource.DisposeAsync();
            throw new StorageUnavailableException($"Could not open PostgreSQL at {location}: {e.Message}", e);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }

        return new PostgresGrainStorage(dataSource, options, location, clock ?? TimeProvider.System, logger);
    }

    public Task<StoredState?> ReadStateAsync(string grainId, CancellationToken cancellationToken = default)
        => ReadAsync(async () =>
        {
            await using var command = _dataSource.CreateCommand("SELECT version, payload, reminders FROM grain_state WHERE grain_id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = grainId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new StoredState(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)) { Reminders = reader.IsDBNull(2) ? ReadOnlyMemory<byte>.Empty : reader.GetFieldValue<byte[]>(2) }
                : null;
        });

    public Task<long> WriteStateAsync(StateWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        return _queue.Submit(write);
    }

    public Task<RequestRecord?> FindRequestAsync(string callerKeyId, string requestId, CancellationToken cancellationToken = default)
        => _requestLookup.FindAsync(callerKeyId, requestId, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> FindJournalByRequestAsync(string grainId, string requestId, CancellationToken cancellationToken = default)
        => ReadAsync<IReadOnlyList<JournalEntry>>(async () =>
        {
            await using var command = _dataSource.CreateCommand(
                $"SELECT {PostgresJournalColumns.Select} FROM journal AS j WHERE j.grain_id = $1 AND j.request_id = $2 ORDER BY j.leg");
            command.Parameters.Add(new NpgsqlParameter { Value = grainId });
            command.Parameters.Add(new NpgsqlParameter { Value = requestId });
            var rows = new List<JournalEntry>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(PostgresJournalColumns.Read(reader));
            }

            return rows;
        });

    public Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(string grainId, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return ReadAsync<IReadOnlyList<JournalEntry>>(async () =>
        {
            await using var command = _dataSource.CreateCommand(
                $"SELECT {PostgresJournalColumns.Select} FROM journal AS j WHERE j.grain_id = $1 AND j.sequence > $2 ORDER BY j.sequence LIMIT $3");
            command.Parameters.Add(new NpgsqlParameter { Value = grainId });
            command.Parameters.Add(new NpgsqlParameter { Value = afterSequence });
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            var rows = new List<JournalEntry>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(PostgresJournalColumns.Read(reader));
            }

            return rows;
        });
    }

    public Task<IReadOnlyList<StoredApiKey>> ReadAllKeysAsync(CancellationToken cancellationToken = default)
        => ReadAsync(() => _keys.ReadAllAsync(cancellationToken));

    public Task CreateKeyAsync(StoredApiKey key, RequestRecord? request, CancellationToken cancellationToken = default)
        => _keys.CreateAsync(key ?? throw new ArgumentNullException(nameof(key)), request, cancellationToken);

    public Task<StoredApiKey?> RevokeKeyAsync(string keyId, DateTimeOffset revokedAt, RequestRecord? request, CancellationToken cancellationToken = default)
        => _keys.RevokeAsync(keyId, revokedAt, request, cancellationToken);

    public Task RecordKeyUseAsync(IReadOnlyCollection<KeyValuePair<string, DateTimeOffset>> lastUsed, CancellationToken cancellationToken = default)
        => lastUsed is { Count: > 0 } ? _keys.RecordUseAsync(lastUsed, cancellationToken) : Task.CompletedTask;

    public Task<IReadOnlyList<DueReminder>> ReadDueRemindersAsync(DateTimeOffset until, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return ReadAsync<IReadOnlyList<DueReminder>>(async () =>
        {
            await using var command = _dataSource.CreateCommand(
                "SELECT grain_id, next_reminder_at FROM grain_state WHERE next_reminder_at IS NOT NULL AND next_reminder_at <= $1 ORDER BY next_reminder_at LIMIT $2");
            command.Parameters.Add(new NpgsqlParameter { Value = until.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            var due = new List<DueReminder>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(new DueReminder(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
            }

            return due;
        });
    }

    public Task<IReadOnlyList<GrainJournalEntry>> ReadAllJournalAsync(string afterGrainId, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(afterGrainId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return ReadAsync<IReadOnlyList<GrainJournalEntry>>(async () =>
        {
            // COLLATE "C": byte order, as SQLite and the in-memory store compare, whatever the database's collation.
            await using var command = _dataSource.CreateCommand(
                $"SELECT j.grain_id, {PostgresJournalColumns.Select} FROM journal AS j WHERE (j.grain_id COLLATE \"C\", j.sequence) > ($1 COLLATE \"C\", $2) ORDER BY j.grain_id COLLATE \"C\", j.sequence LIMIT $3");
            command.Parameters.Add(new NpgsqlParameter { Value = afterGrainId });
            command.Parameters.Add(new NpgsqlParameter { Value = afterSequence });
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            var rows = new List<GrainJournalEntry>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new GrainJournalEntry(reader.GetString(0), PostgresJournalColumns.Read(reader, offset: 1)));
            }

            return rows;
        });
    }

    public Task<IReadOnlyList<TallySum>> SumTalliesAsync(string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken = default)
        => ReadAsync(() => PostgresReports.SumTalliesAsync(_dataSource, scope, fromPeriod, toPeriod, cancellationToken));

    public Task<IReadOnlyList<RankedMember>> ReadTopAsync(string? scope, StandingPeriod kind, string period, int limit, CancellationToken cancellationToken = default)
        => ReadAsync(() => PostgresReports.ReadTopAsync(_dataSource, scope, kind, period, limit, cancellationToken));

    public Task<long> CountActiveMembersAsync(string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken = default)
        => ReadAsync(() => PostgresReports.CountActiveMembersAsync(_dataSource, scope, fromPeriod, toPeriod, cancellationToken));

    public Task<IReadOnlyList<KeyValuePair<string, long>>> CountActiveMembersByPeriodAsync(string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken = default)
        => ReadAsync(() => PostgresReports.CountActiveMembersByPeriodAsync(_dataSource, scope, fromPeriod, toPeriod, cancellationToken));

    /// <summary>A server setting as this provider's connections see it (for tests and diagnostics).</summary>
    internal async Task<string> ShowSettingAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT current_setting($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Every read goes through here: the one place where Npgsql's errors become
    /// <see cref="StorageUnavailableException"/>, so nothing above the provider catches a driver exception.
    /// </summary>
    private static async Task<T> ReadAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (NpgsqlException e)
        {
            throw new StorageUnavailableException($"Could not read from PostgreSQL: {e.Message}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Complete();
        await _writerLoop.ConfigureAwait(false);
        await _requestLookup.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    /// <summary>A deadlock, a serialization failure or a rejected value: nothing of the batch committed, and
    /// committing each write alone will show which (if any) is at fault.</summary>
    private static bool IsolatesPerWrite(PostgresException e)
        => e.SqlState.StartsWith("23", StringComparison.Ordinal) || e.SqlState.StartsWith("22", StringComparison.Ordinal)
           || e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;

    private async Task RunWriterAsync()
    {
        var batch = new List<PendingWrite>(_queue.MaxBatchSize);
        while (await _queue.ReadBatchAsync(batch).ConfigureAwait(false))
        {
            await CommitAsync(batch).ConfigureAwait(false);
            foreach (var pending in batch)
            {
                pending.Complete();
            }

            batch.Clear();
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        try
        {
            // The same grain twice in one batch cannot be decided by one statement; it never happens (a grain
            // awaits each write), but if it did, writing one at a time keeps it correct.
            if (batch.Select(p => p.Write.GrainId).Distinct(StringComparer.Ordinal).Count() == batch.Count)
            {
                await PostgresBatchCommit.CommitAsync(_dataSource, batch, now).ConfigureAwait(false);
                return;
            }
        }
        catch (PostgresException e) when (IsolatesPerWrite(e))
        {
            StorageLog.BatchIsolated(_logger, "postgres", batch.Count, e.SqlState);
        }
        catch (Exception e)
        {
            FailAll(batch, e);
            return;
        }

        foreach (var pending in batch)
        {
            try
            {
                await PostgresBatchCommit.CommitAsync(_dataSource, [pending], now).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                pending.Outcome = PendingOutcome.Failed(new StaleStateException($"Journal of '{pending.Write.GrainId}' already holds one of these rows.", e));
            }
            catch (PostgresException e) when (IsolatesPerWrite(e))
            {
                pending.Outcome = PendingOutcome.Failed(new StorageRejectedException($"PostgreSQL rejected the write of '{pending.Write.GrainId}': {e.MessageText}", e));
            }
            catch (Exception e)
            {
                FailAll([pending], e);
            }
        }
    }

    private void FailAll(IEnumerable<PendingWrite> writes, Exception error)
    {
        // If the connection broke during COMMIT the outcome is unknown; callers are told "unavailable", their
        // activations reload whatever did commit, and a retry with the same request id finds it.
        StorageLog.BatchFailed(_logger, "postgres", writes.Count(), error);
        var failure = new StorageUnavailableException("The PostgreSQL transaction did not commit.", error);
        foreach (var pending in writes)
        {
            pending.Outcome = PendingOutcome.Failed(failure);
        }
    }
}
