using System.Diagnostics;
using TimeBank.Testing;

namespace TimeBank.Server.Tests;

/// <summary>A server that cannot start says why in one line naming the setting, and exits non-zero.</summary>
public sealed class ConfigurationTests
{
    public static readonly TheoryData<string[], int, string> BadSettings = new()
    {
        { ["--TimeBank:Storage:Provider", "postgres"], 78, "TimeBank:Storage:ConnectionString" },
        { ["--TimeBank:Storage:Provider", "oracle"], 78, "TimeBank:Storage:Provider" },
        { ["--TimeBank:Storage:BatchWindow", "soon"], 78, "TimeBank:Storage:BatchWindow" },
        { ["--TimeBank:Storage:Synchronous", "SOMETIMES"], 78, "TimeBank:Storage:Synchronous" },
        { ["--TimeBank:PointsPerHour", "-1"], 78, "TimeBank:PointsPerHour" },
        { ["--TimeBank:Storage:Provider", "postgres", "--TimeBank:Storage:ConnectionString", "Host=127.0.0.1;Nonsense=1"], 78, "TimeBank:Storage:ConnectionString" },
        { ["--TimeBank:Storage:Provider", "postgres", "--TimeBank:Storage:ConnectionString", "Host=127.0.0.1;Port=1;Username=x;Database=y;Timeout=2"], 69, "storage unavailable" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_ends_the_server_with_one_clear_line_and_a_non_zero_code(string[] arguments, int exitCode, string named)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TimeBank.Server.dll"));
        foreach (var argument in new[] { "--urls", "http://127.0.0.1:0", "--TimeBank:DataDirectory", TestEnvironment.NewFolder() }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(exitCode, process.ExitCode);
        var line = Assert.Single(lines);
        Assert.StartsWith("timebank: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", (await stdout) + line, StringComparison.Ordinal); // no stack trace anywhere
    }
}
