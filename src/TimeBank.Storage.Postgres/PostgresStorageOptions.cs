namespace TimeBank.Storage.Postgres;

public sealed class PostgresStorageOptions
{
    /// <summary>An Npgsql connection string. Tables go in the first schema of its search path (public by default).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>Most writes committed in one transaction.</summary>
    public int MaxBatchSize { get; init; } = 512;

    /// <summary>Idempotency lookups (journal by request id) in flight at once; each carries all that queued meanwhile.</summary>
    public int LookupConcurrency { get; init; } = 2;

    /// <summary>How long a batch stays open for more writes after its first; zero commits what queued meanwhile.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// <c>on</c> (the default) acknowledges a write only once PostgreSQL has flushed it to its WAL on disk.
    /// <c>off</c> acknowledges sooner; a PostgreSQL crash may then lose the last ~600 ms of acknowledged writes
    /// (never corrupt the database). The server's own setting is overridden per connection either way.
    /// </summary>
    public string SynchronousCommit { get; init; } = "on";
}
