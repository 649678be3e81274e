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
        /// <summary>"sqlite" (the embedded default).</summary>
        public string Provider { get; set; } = "sqlite";

        /// <summary>SQLite's synchronous pragma: FULL (default, survives power loss) or NORMAL (faster, may lose the last commits on power loss).</summary>
        public string Synchronous { get; set; } = "FULL";
    }

    public sealed class GrainSettings
    {
        public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

        public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);
    }
}
