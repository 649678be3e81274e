namespace TimeBank.Testing;

public static class TestEnvironment
{
    private static readonly TimeSpan LeftoverAge = TimeSpan.FromDays(1);

    private static readonly Lazy<string> RunFolder = new(CreateRunFolder);

    /// <summary>Under CI=true a missing real part (a database, a client) fails its tests instead of skipping them.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A path for a new SQLite file in a folder of its own (see <see cref="NewFolder"/>).</summary>
    public static string NewSqliteFile() => Path.Combine(NewFolder(), "timebank.db");

    /// <summary>
    /// A new folder's path (not yet created) inside this test process's own folder under the temporary folder,
    /// which is removed when the process exits: thousands of test databases a run would otherwise leave behind.
    /// </summary>
    public static string NewFolder() => Path.Combine(RunFolder.Value, Guid.NewGuid().ToString("N"));

    private static string CreateRunFolder()
    {
        var root = Path.Combine(Path.GetTempPath(), "timebank-tests");
        RemoveLeftovers(root);
        var folder = Path.Combine(root, $"run-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(folder);
        return folder;
    }

    /// <summary>Folders of runs that did not exit cleanly (killed, or a debugger stopped), once a day old: never a running one's.</summary>
    private static void RemoveLeftovers(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var folder in Directory.EnumerateDirectories(root))
        {
            if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) > LeftoverAge)
            {
                TryDelete(folder);
            }
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still held (another platform) or already gone: the next run's sweep takes what is left.
        }
    }
}
