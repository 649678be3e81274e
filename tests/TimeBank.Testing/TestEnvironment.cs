namespace TimeBank.Testing;

public static class TestEnvironment
{
    /// <summary>Under CI=true a missing real part (a database, a client) fails its tests instead of skipping them.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A path for a new SQLite file in a folder of its own under the temporary folder.</summary>
    public static string NewSqliteFile() => Path.Combine(Path.GetTempPath(), "timebank-tests", Guid.NewGuid().ToString("N"), "timebank.db");
}
