using System.Diagnostics;
using System.Text.RegularExpressions;
using TimeBank.Client;

namespace TimeBank.Server.Tests;

/// <summary>
/// The server as a separate OS process (<c>dotnet TimeBank.Server.dll</c>), on a free loopback port it
/// reports in its log. Killed, with its children, on dispose; what it logged (warnings and errors, its start) then goes
/// to the test's output, so a failure shows what the server saw.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output;

    private ServerProcess(Process process, Uri address, List<string> output)
    {
        _process = process;
        _output = output;
        Address = address;
        Client = TimeBankClient.Connect(address.ToString(), RunningServer.AdminKey);
    }

    public Uri Address { get; }

    public TimeBankClient Client { get; }

    public static async Task<ServerProcess> StartAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TimeBank.Server.dll"));
        foreach (var argument in new[] { "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:TimeBank.Server.TimeBankServer", "Information", "--TimeBank:AdminKey", RunningServer.AdminKey }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var output = new List<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(string? line)
        {
            if (line is null)
            {
                listening.TrySetException(new InvalidOperationException("The server exited before listening:\n" + string.Join('\n', output)));
                return;
            }

            lock (output)
            {
                output.Add(line);
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }

        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Collect(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            return new ServerProcess(process, address, output);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
        lock (_output)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"server at {Address} logged:{Environment.NewLine}{string.Join(Environment.NewLine, _output)}");
        }
    }

    [GeneratedRegex(@"TimeBank listening on (http://[^ ,]+)")]
    private static partial Regex ListeningLine();
}
