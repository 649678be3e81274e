using TimeBank.Rpc;

namespace TimeBank.LoadGen;

/// <summary>Where a run writes: its text (progress, report) and its errors, and whether each is a terminal.</summary>
public sealed record LoadGenConsole(TextWriter Out, bool OutIsTerminal, TextWriter Error, bool ErrorIsTerminal)
{
    public static LoadGenConsole System() => new(Console.Out, !Console.IsOutputRedirected, Console.Error, !Console.IsErrorRedirected);
}

/// <summary>
/// <c>timebank loadgen</c>: load over gRPC against a running server with the project's own client. Sets up a
/// community, its keys and volunteers; runs the operation mix over N connections with M calls in flight
/// each; reports ops/s and latency percentiles per operation, as text and JSON; checks the balances add up.
/// </summary>
public static class LoadGenerator
{
    public const int ExitPassed = 0;
    public const int ExitFailed = 1;
    public const int ExitBadOptions = 2;

    /// <summary>The whole run; <paramref name="stop"/> ends the load early (Ctrl+C) and still reports.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, LoadGenConsole console, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(console);
        var parsed = OptionsParser.Parse(args);
        if (parsed.HelpRequested)
        {
            await console.Out.WriteLineAsync(OptionsParser.Usage);
            return ExitPassed;
        }

        if (parsed.Options is not { } options)
        {
            await console.Error.WriteLineAsync($"loadgen: {parsed.Error}. Run with --help for the options.");
            return ExitBadOptions;
        }

        if (ReadAdminKey(options, out var problem) is not { } adminKey)
        {
            await console.Error.WriteLineAsync($"loadgen: {problem}");
            return ExitBadOptions;
        }

        // With --json - the JSON alone goes to stdout, so it can be piped; the text goes to stderr.
        var (text, textIsTerminal) = options.JsonToStdout ? (console.Error, console.ErrorIsTerminal) : (console.Out, console.OutIsTerminal);
        await text.WriteLineAsync(
            $"timebank loadgen: {options.Address} | {options.Connections} connections x {options.InFlight} in flight | {options.Volunteers:N0} volunteers in {options.Community} | " +
            $"mix {options.Mix} | {options.WarmupSeconds} s warm-up + {options.Seconds} s | seed {options.Seed}");

        var connections = Enumerable.Range(0, options.Connections).Select(_ => Connection.Open(options.Address)).ToArray();
        try
        {
            var startedAt = DateTimeOffset.UtcNow;
            var atStart = MachineInfo.Now();
            Population population;
            try
            {
                population = await Setup.RunAsync(options, adminKey, connections, text);
            }
            catch (RpcException e)
            {
                await console.Error.WriteLineAsync($"loadgen: setup failed: {StatusNames.Describe(e)}");
                return ExitFailed;
            }

            var run = await LoadRun.RunAsync(options, connections, population, new Progress(text, textIsTerminal), stop);
            ConsistencyCheck check;
            try
            {
                check = await ConsistencyCheck.RunAsync(options, connections, population, run.Tally);
            }
            catch (RpcException e)
            {
                await console.Error.WriteLineAsync($"loadgen: reading the balances back failed: {StatusNames.Describe(e)}");
                return ExitFailed;
            }

            var report = new Report(options, population, run, check, atStart, MachineInfo.Now(), startedAt);
            report.WriteText(text);
            await WriteJsonAsync(report, options, console.Out, text);
            return report.Passed ? ExitPassed : ExitFailed;
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection.Dispose();
            }
        }
    }

    private static string? ReadAdminKey(LoadGenOptions options, out string? problem)
    {
        problem = null;
        if (options.AdminKey is { Length: > 0 } given)
        {
            return given;
        }

        try
        {
            var key = File.ReadAllText(options.AdminKeyFile).Trim();
            if (key.Length > 0)
            {
                return key;
            }

            problem = $"{options.AdminKeyFile} is empty; pass --admin-key or --admin-key-file";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"no admin key: cannot read {Path.GetFullPath(options.AdminKeyFile)} ({e.Message}); run from the server's folder, or pass --admin-key or --admin-key-file";
        }

        return null;
    }

    private static async Task WriteJsonAsync(Report report, LoadGenOptions options, TextWriter stdout, TextWriter text)
    {
        if (options.JsonPath is null)
        {
            return;
        }

        using var buffer = new MemoryStream();
        report.WriteJson(buffer);
        var json = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        if (options.JsonToStdout)
        {
            await stdout.WriteLineAsync(json);
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(options.JsonPath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllTextAsync(options.JsonPath, json + "\n");
        await text.WriteLineAsync($"json: {Path.GetFullPath(options.JsonPath)}");
    }
}
