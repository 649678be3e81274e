using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TimeBank.Storage.Internal;
using TimeBank.Storage.Keys;
using TimeBank.Storage.Reports;

namespace TimeBank.Storage.Sqlite;

/// <summary>
/// The embedded default: one SQLite file in WAL mode with <c>synchronous=FULL</c>. All writes go through
/// one writer connection that commits whatever has queued up as one transaction (group commit), so the
/// fsync is paid once per batch. A stale version or a request id already recorded fails that write alone: both
/// are found before the write touches anything, and a failure only writing reveals redoes the batch with each
/// write in a savepoint of its own (see <see cref="SqliteWriteCommands.TryApplyAll"/>). Reads use pooled
/// connections and see the last commit.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, IApiKeyStore, IReportStore
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SqliteWriteCommands _commands;
    private readonly GroupCommitQueue _queue;
    private readonly Task _writerLoop;
    private readonly SqliteCheckpointer _checkpointer;
    private readonly SqliteApiKeys _keys;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;

    private SqliteGrainStorage(SqliteStorageOptions options, string databasePath, string connectionString, SqliteConnection writer, TimeProvider clock, ILogger logger)
    {
        DatabasePath = databasePath;
        _connectionString = connectionString;
        _writer = writer;
        _clock = clock;
        _logger = logger;
        _commands = new SqliteWriteCommands(writer);
        _queue = new GroupCommitQueue("SQLite", options.MaxBatchSize, options.BatchWindow, clock);
        _keys = new SqliteApiKeys(connectionString);
        _writerLoop = Task.Run(RunWriterAsync);
        _checkpointer = new SqliteCheckpointer(connectionString, options.CheckpointInterval, clock, logger);
    }

    public string Name => "sqlite";

    /// <summary>The database file's full path.</summary>
    public string DatabasePath { get; }

    /// <summary>Opens (creating when missing) the database file and brings its schema up to date.</summary>
    public static async Task<SqliteGrainStorage> OpenAsync(
        SqliteStorageOptions options, TimeProvider? clock = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxBatchSize must be at least 1.");
        }

        if (options.WalAutoCheckpointPages < 1 || options.CheckpointInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "WalAutoCheckpointPages must be at least 1 and CheckpointInterval not negative.");
        }

        if (options.WriterCacheKib < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "WriterCacheKib must be at least 1.");
        }

        if (options.Synchronous is not ("FULL" or "NORMAL" or "EXTRA"))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Synchronous, "Synchronous must be FULL, EXTRA or NORMAL.");
        }

        logger ??= NullLogger.Instance;
        NativeAllocator.KeepFreedMemory(options.AllocatorTrimThresholdBytes);
        var fullPath = Path.GetFullPath(options.DatabasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)), // SQLite's busy timeout
        }.ToString();

        var writer = new SqliteConnection(connectionString);
        try
        {
            await writer.OpenAsync(cancellationToken);
            await ExecuteAsync(writer, "PRAGMA journal_mode=WAL;", cancellationToken);
            await ExecuteAsync(writer, $"PRAGMA synchronous={options.Synchronous};", cancellationToken);
            await ExecuteAsync(writer, $"PRAGMA wal_autocheckpoint={options.WalAutoCheckpointPages};", cancellationToken);
            await ExecuteAsync(writer, $"PRAGMA cache_size=-{options.WriterCacheKib};", cancellationToken);
            var applied = await SqliteSchema.MigrateAsync(writer, cancellationToken);
            StorageLog.SchemaReady(logger, "sqlite", fullPath, applied.Count);
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }

        return new SqliteGrainStorage(options, fullPath, connectionString, writer, clock ?? TimeProvider.System, logger);
    }

    public Task<StoredState?> ReadStateAsync(string grainId, CancellationToken cancellationToken = default)
        => ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT version, payload, reminders FROM grain_state WHERE grain_id = $id";
            command.Parameters.AddWithValue("$id", grainId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new StoredState(reader.GetInt64(0), (byte[])reader.GetValue(1)) { Reminders = reader.IsDBNull(2) ? ReadOnlyMemory<byte>.Empty : (byte[])reader.GetValue(2) }
                : null;
        }, cancellationToken);

    public Task<long> WriteStateAsync(StateWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        return _queue.Submit(write);
    }

    public Task<RequestRecord?> FindRequestAsync(string callerKeyId, string requestId, CancellationToken cancellationToken = default)
        => ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT operation, target, fingerprint, result, recorded_at FROM requests WHERE caller_key_id = $key AND request_id = $req";
            command.Parameters.AddWithValue("$key", callerKeyId);
            command.Parameters.AddWithValue("$req", requestId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new RequestRecord(callerKeyId, requestId, reader.GetString(0), reader.GetString(1), (byte[])reader.GetValue(2), (byte[])reader.GetValue(3), UnixMicroseconds.To(reader.GetInt64(4)))
                : null;
        }, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> FindJournalByRequestAsync(string grainId, string requestId, CancellationToken cancellationToken = default)
        => ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {SqliteJournalColumns.Select} FROM journal WHERE grain_id = $id AND request_id = $r ORDER BY leg";
            command.Parameters.AddWithValue("$id", grainId);
            command.Parameters.AddWithValue("$r", requestId);
            return await SqliteJournalColumns.ReadAllAsync(command, cancellationToken);
        }, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(string grainId, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {SqliteJournalColumns.Select} FROM journal WHERE grain_id = $id AND sequence > $after ORDER BY sequence LIMIT $limit";
            command.Parameters.AddWithValue("$id", grainId);
            command.Parameters.AddWithValue("$after", afterSequence);
            command.Parameters.AddWithValue("$limit", limit);
            return await SqliteJournalColumns.ReadAllAsync(command, cancellationToken);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<DueReminder>> ReadDueRemindersAsync(DateTimeOffset until, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return ReadAsync<IReadOnlyList<DueReminder>>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT grain_id, next_reminder_at FROM grain_state WHERE next_reminder_at IS NOT NULL AND next_reminder_at <= $until ORDER BY next_reminder_at LIMIT $limit";
            command.Parameters.AddWithValue("$until", UnixMicroseconds.From(until));
            command.Parameters.AddWithValue("$limit", limit);
            var due = new List<DueReminder>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(new DueReminder(reader.GetString(0), UnixMicroseconds.To(reader.GetInt64(1))));
            }

            return due;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<GrainJournalEntry>> ReadAllJournalAsync(string afterGrainId, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(afterGrainId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return ReadAsync<IReadOnlyList<GrainJournalEntry>>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT grain_id, {SqliteJournalColumns.Select} FROM journal WHERE (grain_id, sequence) > ($g, $s) ORDER BY grain_id, sequence LIMIT $limit";
            command.Parameters.AddWithValue("$g", afterGrainId);
            command.Parameters.AddWithValue("$s", afterSequence);
            command.Parameters.AddWithValue("$limit", limit);
            var rows = new List<GrainJournalEntry>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new GrainJournalEntry(reader.GetString(0), SqliteJournalColumns.Read(reader, offset: 1)));
            }

            return rows;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<TallySum>> SumTalliesAsync(string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken = default)
        => ReadAsync(connection => SqliteReports.SumTalliesAsync(connection, scope, fromPeriod, toPeriod, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<RankedMember>> ReadTopAsync(string? scope, StandingPeriod kind, string period, int limit, CancellationToken cancellationToken = default)
        => ReadAsync(connection => SqliteReports.ReadTopAsync(connection, scope, kind, period, limit, cancellationToken), cancellationToken);

    public Task<long> CountActiveMembersAsync(string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken = default)
        => ReadAsync(connection => SqliteReports.CountActiveMembersAsync(connection, scope, fromPeriod, toPeriod, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<KeyValuePair<string, long>>> CountActiveMembersByPeriodAsync(string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken = default)
        => ReadAsync(connection => SqliteReports.CountActiveMembersByPeriodAsync(connection, scope, fromPeriod, toPeriod, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<StoredApiKey>> ReadAllKeysAsync(CancellationToken cancellationToken = default)
        => ReadAsync(connection => _keys.ReadAllAsync(connection, cancellationToken), cancellationToken);

    public Task CreateKeyAsync(StoredApiKey key, RequestRecord? request, CancellationToken cancellationToken = default)
        => _keys.CreateAsync(key ?? throw new ArgumentNullException(nameof(key)), request, cancellationToken);

    public Task<StoredApiKey?> RevokeKeyAsync(string keyId, DateTimeOffset revokedAt, RequestRecord? request, CancellationToken cancellationToken = default)
        => _keys.RevokeAsync(keyId, revokedAt, request, cancellationToken);

    public Task RecordKeyUseAsync(IReadOnlyCollection<KeyValuePair<string, DateTimeOffset>> lastUsed, CancellationToken cancellationToken = default)
        => lastUsed is { Count: > 0 } ? _keys.RecordUseAsync(lastUsed, cancellationToken) : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _queue.Complete();
        await _writerLoop.ConfigureAwait(false);
        await _checkpointer.DisposeAsync();
        _commands.Dispose();
        await _writer.DisposeAsync();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Every read goes through here: a pooled connection, and the one place where SQLite's errors become
    /// <see cref="StorageUnavailableException"/>, so nothing above the provider catches a driver exception.
    /// </summary>
    private async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            return await read(connection);
        }
        catch (SqliteException e)
        {
            throw new StorageUnavailableException($"Could not read from the SQLite database: {e.Message}", e);
        }
    }

    private async Task RunWriterAsync()
    {
        var batch = new List<PendingWrite>(_queue.MaxBatchSize);
        while (await _queue.ReadBatchAsync(batch).ConfigureAwait(false))
        {
            CommitBatch(batch);
            batch.Clear();
        }
    }

    private void CommitBatch(List<PendingWrite> batch)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        SqliteTransaction? transaction = null;
        try
        {
            transaction = _writer.BeginTransaction(deferred: false);
            _commands.Enlist(transaction);
            if (!_commands.TryApplyAll(batch, now))
            {
                // A write failed half-written: start the batch again with each write in a savepoint of its own,
                // so that write fails alone and the others commit.
                transaction.Rollback();
                transaction.Dispose();
                transaction = _writer.BeginTransaction(deferred: false);
                _commands.Enlist(transaction);
                foreach (var pending in batch)
                {
                    pending.Outcome = _commands.TryApply(pending.Write, now, out var version, out var failure)
                        ? PendingOutcome.Applied(version)
                        : PendingOutcome.Failed(failure!);
                }
            }

            _commands.ApplyReports(batch.Where(p => p.Outcome.Error is null).Select(p => p.Write));
            var commitStarted = System.Diagnostics.Stopwatch.GetTimestamp();
            transaction.Commit();
            StorageMetrics.Committed("SQLite", commitStarted);
        }
        catch (Exception e)
        {
            // Whatever went wrong, this batch fails as a whole and the writer loop lives on: an exception
            // escaping it would leave every later write waiting forever.
            StorageLog.BatchFailed(_logger, "sqlite", batch.Count, e);
            TryRollback(transaction);
            var failure = new StorageUnavailableException("The SQLite transaction did not commit; nothing of it is stored.", e);
            foreach (var pending in batch)
            {
                pending.Outcome = PendingOutcome.Failed(failure);
            }
        }
        finally
        {
            transaction?.Dispose();
        }

        foreach (var pending in batch)
        {
            pending.Complete();
        }
    }

    private void TryRollback(SqliteTransaction? transaction)
    {
        try
        {
            transaction?.Rollback();
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException)
        {
            StorageLog.RollbackFailed(_logger, "sqlite", e);
        }
    }
}
