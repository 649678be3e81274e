namespace TimeBank.Server;

/// <summary>The <c>TimeBank</c> configuration section (appsettings.json, <c>TimeBank__X</c> env vars, <c>--TimeBank:X</c>).</summary>
public sealed class TimeBankServerOptions
{
    public const string SectionName = "TimeBank";

    /// <summary>Where the SQLite file lives; relative paths are from the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    public long PointsPerHour { get; set; } = 10;

    public StorageSettings Storage { get; set; } = new();

    /// <summary>
    /// The first admin key, for an empty database (e.g. from a secret store). Unset, the server creates one
    /// and writes it to <c>&lt;DataDirectory&gt;/admin.key</c>. Ignored once any admin key exists.
    /// </summary>
    public string? AdminKey { get; set; }

    public Auth.KeyRingOptions Keys { get; set; } = new();

    public GrainSettings Grains { get; set; } = new();

    /// <summary>Every setting the server cannot start with, each named with an example that works.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            problems.Add("TimeBank:DataDirectory is empty; set a folder, e.g. --TimeBank:DataDirectory /var/lib/timebank");
        }

        if (PointsPerHour is < 0 or > Ledger.Amounts.MaxPointsPerHour)
        {
            problems.Add($"TimeBank:PointsPerHour is {PointsPerHour}; it must be 0 to {Ledger.Amounts.MaxPointsPerHour}, e.g. --TimeBank:PointsPerHour 10");
        }

        switch (Storage.Provider.ToLowerInvariant())
        {
            case "sqlite":
                if (Storage.Synchronous.ToUpperInvariant() is not ("FULL" or "EXTRA" or "NORMAL"))
                {
                    problems.Add($"TimeBank:Storage:Synchronous is '{Storage.Synchronous}'; use FULL (the default), EXTRA or NORMAL, e.g. --TimeBank:Storage:Synchronous FULL");
                }

                break;
            case "postgres":
                if (string.IsNullOrWhiteSpace(Storage.ConnectionString))
                {
                    problems.Add("TimeBank:Storage:Provider is 'postgres' but TimeBank:Storage:ConnectionString is empty; set it, e.g. --TimeBank:Storage:ConnectionString \"Host=127.0.0.1;Username=timebank;Password=...;Database=timebank\"");
                }

                if (Storage.SynchronousCommit is not ("on" or "off" or "local" or "remote_write" or "remote_apply"))
                {
                    problems.Add($"TimeBank:Storage:SynchronousCommit is '{Storage.SynchronousCommit}'; use on (the default), off, local, remote_write or remote_apply, e.g. --TimeBank:Storage:SynchronousCommit on");
                }

                break;
            default:
                problems.Add($"TimeBank:Storage:Provider is '{Storage.Provider}'; use sqlite (the default) or postgres, e.g. --TimeBank:Storage:Provider postgres");
                break;
        }

        if (Keys.RefreshInterval <= TimeSpan.Zero || Keys.LastUsedFlushInterval <= TimeSpan.Zero)
        {
            problems.Add("TimeBank:Keys:RefreshInterval and TimeBank:Keys:LastUsedFlushInterval must be positive, e.g. --TimeBank:Keys:RefreshInterval 00:00:02");
        }

        if (Storage.MaxBatchSize < 1)
        {
            problems.Add($"TimeBank:Storage:MaxBatchSize is {Storage.MaxBatchSize}; it must be at least 1, e.g. --TimeBank:Storage:MaxBatchSize 256");
        }

        if (Storage.BatchWindow < TimeSpan.Zero)
        {
            problems.Add($"TimeBank:Storage:BatchWindow is {Storage.BatchWindow}; it cannot be negative, e.g. --TimeBank:Storage:BatchWindow 00:00:00");
        }

        return problems;
    }

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
