namespace TimeBank.Testing;

public static class RepositoryPaths
{
    /// <summary>The folder holding TimeBank.sln, found by walking up from the test's binaries.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TimeBank.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TimeBank.sln not found above " + AppContext.BaseDirectory);
    }
}
