using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using TimeBank.Storage.Internal;

namespace TimeBank.Storage.Sqlite;

/// <summary>
/// Copies committed WAL pages into the database file on its own connection, beside the writer rather than
/// inside its commits. A checkpoint writes each page changed since the last one once, however often it
/// changed, so checkpointing every <see cref="SqliteStorageOptions.CheckpointInterval"/> instead of every
/// thousand WAL pages (SQLite's default, run by the committing writer) writes the hot pages once per
/// interval instead of once per few batches. PASSIVE: it never blocks the writer or a reader.
/// </summary>
/// <remarks>
/// A passive checkpoint racing the writer can never catch up with the WAL's end, and only a caught-up WAL
/// is restarted from its beginning; so the writer keeps SQLite's own checkpoint at
/// <see cref="SqliteStorageOptions.WalAutoCheckpointPages"/> as the bound on the WAL's size. By then this
/// loop has copied nearly everything, and the writer's checkpoint only copies the tail.
/// </remarks>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public SqliteCheckpointer(string connectionString, TimeSpan interval, TimeProvider clock, ILogger logger)
    {
        _connectionString = connectionString;
        _interval = interval;
        _clock = clock;
        _logger = logger;
        _loop = interval > TimeSpan.Zero ? Task.Run(RunAsync) : Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(_stop.Token).ConfigureAwait(false);
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(_interval, _clock, _stop.Token).ConfigureAwait(false);
                try
                {
                    await checkpoint.ExecuteNonQueryAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (SqliteException e)
                {
                    // Not fatal: the writer's own checkpoint still bounds the WAL. Try again next interval.
                    StorageLog.CheckpointFailed(_logger, "sqlite", e);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (SqliteException e)
        {
            StorageLog.CheckpointFailed(_logger, "sqlite", e);
        }
    }
}
