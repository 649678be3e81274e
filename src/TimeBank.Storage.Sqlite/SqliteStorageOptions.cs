namespace TimeBank.Storage.Sqlite;

public sealed class SqliteStorageOptions
{
    /// <summary>The database file. Its folder is created when missing.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>Most writes committed in one transaction by the writer.</summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>
    /// How long a batch stays open for more writes after its first. Zero (the default) commits what queued
    /// while the previous commit ran: under load batches fill by themselves, and a lone write waits for nothing.
    /// </summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.Zero;

    /// <summary>How long a statement waits for another process's lock before the write fails as unavailable.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <c>FULL</c> (the default) fsyncs the WAL at every commit, so an acknowledged write survives power loss.
    /// <c>NORMAL</c> is faster but a power cut may lose the last commits (never corrupt the file).
    /// </summary>
    public string Synchronous { get; init; } = "FULL";

    /// <summary>
    /// How often a background connection copies the WAL into the database file (a passive checkpoint, which
    /// blocks nobody). Zero leaves checkpoints to the writer alone.
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The WAL size, in 4 KiB pages, at which the writer checkpoints inside its commit (SQLite's
    /// <c>wal_autocheckpoint</c>; its default is 1,000). It bounds the WAL when the background checkpoint
    /// cannot catch up with a writer that never pauses.
    /// </summary>
    public int WalAutoCheckpointPages { get; init; } = 32_000;

    /// <summary>
    /// The writer connection's page cache, in KiB (SQLite's <c>cache_size</c>; its default is 2,000 KiB). A
    /// deposit touches a leaf page of the journal, of the request records and of the state table; with a cache
    /// smaller than those hot pages each batch reads them back (from the WAL file, one system call a page). A bigger
    /// cache is not free: SQLite walks it at every commit. CPU profiles of the server under durable deposits on this
    /// project's machine put reading back plus that walk at 11% of the server's CPU with 64 MiB, about 7% with
    /// 16 MiB, and 10% with the default cache and the file memory-mapped.
    /// </summary>
    public int WriterCacheKib { get; init; } = 16 * 1024;

    /// <summary>
    /// Freed memory glibc keeps for reuse instead of returning it to the system at once (its
    /// <c>M_TRIM_THRESHOLD</c>, process-wide, set by the first SQLite storage opened): SQLite's page cache frees and
    /// re-allocates pages at every commit, and returning them each time cost a third of the writer's CPU on this
    /// project's machine (see <c>NativeAllocator</c>). Zero leaves the allocator alone. Linux with glibc only.
    /// </summary>
    public int AllocatorTrimThresholdBytes { get; init; } = 16 * 1024 * 1024;
}
