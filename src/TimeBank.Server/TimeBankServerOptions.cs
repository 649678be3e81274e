namespace TimeBank.Server;

/// <summary>The <c>TimeBank</c> configuration section (appsettings.json, <c>TimeBank__X</c> env vars, <c>--TimeBank:X</c>).</summary>
public sealed class TimeBankServerOptions
{
    public const string SectionName = "TimeBank";

    /// <summary>Where the SQLite file lives; relative paths are from the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    public long PointsPerHour { get; set; } = 10;

    public StorageSettings Storage { get; set; } = new();

    public GrainSettings Grains { get; set; } = new();

    public sealed class StorageSettings
    {
        /// <summary>"sqlite" (the embedded default) or "postgres".</summary>
        public string Provider { get; set; } = "sqlite";

        /// <summary>For postgres: an Npgsql connection string, e.g. <c>Host=db;Username=timebank;Password=...;Database=timebank</c>.</summary>
        public string? ConnectionString { get; set; }

        /// <summary>SQLite's synchronous pragma: FULL (default, survives power loss) or NORMAL (faster, may lose the last commits on power loss).</summary>
        public string Synchronous { get; set; } = "FULL";

        /// <summary>PostgreSQL's synchronous_commit for our connections: on (default) or off (faster, a database crash may lose the last acknowledged writes).</summary>
        public string SynchronousCommit { get; set; } = "on";

        /// <summary>Most writes in one group commit.</summary>
        public int MaxBatchSize { get; set; } = 256;

        /// <summary>How long a group commit waits for more writes after the first; zero takes what queued meanwhile.</summary>
        public TimeSpan BatchWindow { get; set; } = TimeSpan.Zero;
    }

    public sealed class GrainSettings
    {
        public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

        public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);
    }
}
