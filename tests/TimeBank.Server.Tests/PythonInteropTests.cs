using System.Diagnostics;
using TimeBank.Testing;

namespace TimeBank.Server.Tests;

/// <summary>
/// Google's own gRPC client (python3-grpcio) against our server: stubs generated from our protos, the calls a
/// newcomer would make, and the errors they should see. Needs /usr/bin/python3 with grpc and grpc_tools
/// (Debian: python3-grpcio python3-grpc-tools; ./test.sh installs them).
/// </summary>
public sealed class PythonInteropTests
{
    private static readonly string Python = Environment.GetEnvironmentVariable("TIMEBANK_PYTHON") ?? "/usr/bin/python3";

    [Fact]
    public async Task Googles_python_grpc_client_calls_the_server()
    {
        if (await MissingPythonGrpcAsync() is { } missing)
        {
            // Locally, a visible skip; in CI the interop test is a requirement, so its absence is a failure.
            Assert.False(TestEnvironment.IsCi, $"CI=true but {missing}");
            Assert.Skip(missing);
        }

        await using var running = await RunningServer.StartAsync();
        var script = Path.Combine(RepositoryPaths.Root, "tests", "interop", "python", "interop_client.py");
        var (exitCode, output) = await RunAsync(Python, script, "--address", $"127.0.0.1:{running.Address.Port}", "--protos", Path.Combine(RepositoryPaths.Root, "protos"), "--key", RunningServer.AdminKey);

        Assert.True(exitCode == 0, $"interop client exited {exitCode}:\n{output}");
        string[] expected =
        [
            "health_check_serving", "health_watch_serving", "register_volunteer", "deposit_hours", "deposit_retry_idempotent",
            "get_balance", "negative_minutes_invalid_argument", "reused_request_id_already_exists", "unknown_volunteer_not_found",
            "unknown_method_unimplemented", "unknown_health_service_not_found", "no_key_unauthenticated", "malformed_key_unauthenticated",
            "other_community_permission_denied_then_revoked",
        ];
        foreach (var check in expected)
        {
            Assert.Contains($"PASS {check}", output, StringComparison.Ordinal);
        }
    }

    private static async Task<string?> MissingPythonGrpcAsync()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} not found; install it with: apt-get install -y python3-grpcio python3-grpc-tools (or run ./test.sh)";
        }

        var (exitCode, output) = await RunAsync(Python, "-c", "import grpc, grpc_tools.protoc");
        return exitCode == 0
            ? null
            : $"{Python} cannot import grpc and grpc_tools ({output.Trim()}); install them with: apt-get install -y python3-grpcio python3-grpc-tools (or run ./test.sh)";
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
