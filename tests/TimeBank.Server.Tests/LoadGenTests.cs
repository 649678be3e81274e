using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using TimeBank.Contracts.V1;
using TimeBank.LoadGen;

namespace TimeBank.Server.Tests;

/// <summary>
/// The load generator (benchmarks/TimeBank.LoadGen), run in-process for two seconds against the real server
/// on SQLite: every operation of the mix succeeds (deposits, reads, transfers, holds, sales at stores, donations
/// and committee votes), the report has its fields, and the books add up.
/// </summary>
public sealed class LoadGenTests
{
    private static readonly string[] Operations = ["deposit", "balance", "transfer", "hold", "redeem", "donate", "vote"];
    private static readonly string[] StatsFields = ["count", "ops_per_second", "p50_ms", "p95_ms", "p99_ms", "max_ms", "retries", "errors", "status_codes"];

    [Fact]
    public async Task A_short_run_of_every_operation_has_no_errors_reports_each_one_and_the_balances_add_up()
    {
        await using var running = await RunningServer.StartAsync();
        var jsonPath = Path.Combine(running.DataDirectory, "loadgen.json");
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exitCode = await LoadGenerator.RunAsync(
            [
                "--address", running.Address.ToString(), "--admin-key", RunningServer.AdminKey,
                "--connections", "2", "--in-flight", "4", "--volunteers", "20", "--seconds", "2", "--warmup", "0.5",
                "--mix", "deposit=30,balance=15,transfer=15,hold=10,redeem=10,donate=10,vote=10", "--stores", "2", "--funds", "2", "--seed", "7", "--json", jsonPath,
            ],
            new LoadGenConsole(output, false, errors, false),
            TestContext.Current.CancellationToken);

        var text = output.ToString();
        Assert.True(exitCode == LoadGenerator.ExitPassed, $"exit code {exitCode}\n{text}\n{errors}");
        Assert.Contains("result: passed", text, StringComparison.Ordinal);
        Assert.Contains(": holds", text, StringComparison.Ordinal);
        Assert.Equal("", errors.ToString());

        var jsonText = await File.ReadAllTextAsync(jsonPath, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(RunningServer.AdminKey, jsonText, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(jsonText);
        var root = json.RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(0, root.GetProperty("problems").GetArrayLength());
        Assert.Equal(0, root.GetProperty("errors").GetProperty("count").GetInt64());
        Assert.Equal(2, root.GetProperty("options").GetProperty("connections").GetInt32());
        Assert.Equal(4, root.GetProperty("options").GetProperty("in_flight_per_connection").GetInt32());
        Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() > 0);
        Assert.True(root.GetProperty("measured_seconds").GetDouble() >= 2);

        AssertStats(root.GetProperty("total"), "total");
        foreach (var operation in Operations)
        {
            AssertStats(root.GetProperty("operations").GetProperty(operation), operation);
        }

        var check = root.GetProperty("consistency");
        Assert.True(check.GetProperty("holds").GetBoolean());
        Assert.Equal(check.GetProperty("minutes_expected").GetInt64(), check.GetProperty("minutes_read_back").GetInt64());
        Assert.Equal(check.GetProperty("points_expected").GetInt64(), check.GetProperty("points_read_back").GetInt64());
        Assert.True(check.GetProperty("minutes_deposited").GetInt64() > 0);
        Assert.True(check.GetProperty("points_posted").GetInt64() > 0);
        Assert.True(check.GetProperty("money_donated").GetInt64() > 0);
        Assert.Equal(check.GetProperty("money_donated_before").GetInt64() + check.GetProperty("money_donated").GetInt64(), check.GetProperty("money_donated_read_back").GetInt64());
        Assert.True(check.GetProperty("money_reserved").GetInt64() > 0);
        Assert.Equal(check.GetProperty("money_reserved_before").GetInt64() + check.GetProperty("money_reserved").GetInt64(), check.GetProperty("money_reserved_read_back").GetInt64());
    }

    [Fact]
    public async Task A_run_whose_operations_fail_says_so_and_exits_1()
    {
        await using var running = await RunningServer.StartAsync();
        // An existing community whose policy refuses deposits over 10 minutes: most of the generator's (1-120) fail.
        await running.Client.CreateCommunityAsync(new CreateCommunityRequest
        {
            RequestId = "create-strict", CommunityId = "strict", DisplayName = "Strict",
            Policy = new PolicySettings { PointsPerHour = 10, MaxMinutesPerDeposit = 10, HoldExpiry = Duration.FromTimeSpan(TimeSpan.FromMinutes(15)) },
        });
        var jsonPath = Path.Combine(running.DataDirectory, "loadgen.json");
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exitCode = await LoadGenerator.RunAsync(
            [
                "--address", running.Address.ToString(), "--admin-key", RunningServer.AdminKey, "--community", "strict",
                "--connections", "1", "--in-flight", "2", "--volunteers", "5", "--seconds", "0.5", "--warmup", "0", "--mix", "deposit", "--json", jsonPath,
            ],
            new LoadGenConsole(output, false, errors, false),
            TestContext.Current.CancellationToken);

        var text = output.ToString();
        Assert.True(exitCode == LoadGenerator.ExitFailed, $"exit code {exitCode}\n{text}\n{errors}");
        Assert.Contains("community strict exists, reused", text, StringComparison.Ordinal);
        Assert.Contains("result: FAILED", text, StringComparison.Ordinal);
        Assert.Contains("INVALID_ARGUMENT MINUTES_TOO_LARGE", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(jsonPath, TestContext.Current.CancellationToken));
        var root = json.RootElement;
        Assert.False(root.GetProperty("passed").GetBoolean());
        Assert.True(root.GetProperty("errors").GetProperty("by_reason").GetProperty("INVALID_ARGUMENT MINUTES_TOO_LARGE").GetInt64() > 0);
        Assert.True(root.GetProperty("total").GetProperty("status_codes").GetProperty("INVALID_ARGUMENT").GetInt64() > 0);
        // Refused deposits change nothing, so the books still add up: the failure is the errors alone.
        Assert.True(root.GetProperty("consistency").GetProperty("holds").GetBoolean());
    }

    private static void AssertStats(JsonElement stats, string name)
    {
        foreach (var field in StatsFields)
        {
            Assert.True(stats.TryGetProperty(field, out _), $"{name} has no {field}");
        }

        var count = stats.GetProperty("count").GetInt64();
        Assert.True(count > 0, $"{name}: no operations measured");
        Assert.Equal(0, stats.GetProperty("errors").GetInt64());
        Assert.Equal(count, stats.GetProperty("status_codes").GetProperty("OK").GetInt64());
        var p50 = stats.GetProperty("p50_ms").GetDouble();
        var p95 = stats.GetProperty("p95_ms").GetDouble();
        var p99 = stats.GetProperty("p99_ms").GetDouble();
        var max = stats.GetProperty("max_ms").GetDouble();
        Assert.True(p50 > 0 && p50 <= p95 && p95 <= p99 && p99 <= max, $"{name}: p50 {p50}, p95 {p95}, p99 {p99}, max {max}");
    }

    public static readonly TheoryData<string[], string> BadOptions = new()
    {
        { ["--connections", "0"], "--connections" },
        { ["--mix", "lend=5"], "lend" },
        { ["--mix", "deposit=0"], "no operation" },
        { ["--seconds"], "--seconds needs a value" },
        { ["--volunteers", "1", "--mix", "transfer"], "two volunteers" },
        { ["--speed", "11"], "unknown option --speed" },
        { ["--admin-key-file", "/nonexistent/admin.key"], "no admin key" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task A_bad_option_exits_2_saying_what_is_wrong_before_any_call(string[] args, string expected)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exitCode = await LoadGenerator.RunAsync(args, new LoadGenConsole(output, false, errors, false), TestContext.Current.CancellationToken);

        Assert.Equal(LoadGenerator.ExitBadOptions, exitCode);
        Assert.Contains(expected, errors.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void Latency_percentiles_are_within_one_percent_of_the_exact_ones()
    {
        var recorder = new LatencyRecorder();
        for (var microseconds = 1; microseconds <= 100_000; microseconds++)
        {
            recorder.Record(microseconds);
        }

        Assert.Equal(100_000, recorder.Count);
        Assert.Equal(100.0, recorder.MaxMilliseconds);
        foreach (var (quantile, exactMs) in new[] { (0.50, 50.0), (0.95, 95.0), (0.99, 99.0), (1.0, 100.0) })
        {
            var reported = recorder.PercentileMilliseconds(quantile);
            Assert.InRange(reported, exactMs, exactMs * 1.01);
        }

        // Exact below 256 µs, and every value lands in a bucket whose upper edge is not below it.
        Assert.Equal(200, LatencyRecorder.UpperEdge(LatencyRecorder.IndexOf(200)));
        foreach (var value in new long[] { 256, 257, 1_000, 65_535, 1_000_000, 10_000_000_000 })
        {
            var edge = LatencyRecorder.UpperEdge(LatencyRecorder.IndexOf(value));
            Assert.InRange(edge, value, value + (value / 128));
        }
    }
}
