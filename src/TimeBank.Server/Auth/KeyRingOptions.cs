namespace TimeBank.Server.Auth;

/// <summary>The <c>TimeBank:Keys</c> settings.</summary>
public sealed class KeyRingOptions
{
    /// <summary>How often every key is reloaded from the database: the longest a key revoked by another
    /// server process keeps working here.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often last-used times, kept in memory per call, are written to the database.</summary>
    public TimeSpan LastUsedFlushInterval { get; set; } = TimeSpan.FromSeconds(30);
}
