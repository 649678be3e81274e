using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace TimeBank.LoadGen;

/// <summary>The machine a run ran on; the load average is read from /proc/loadavg where there is one.</summary>
internal sealed record MachineInfo(int Cores, string Os, string Framework, double[]? LoadAverage)
{
    public static MachineInfo Now() => new(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, ReadLoadAverage());

    private static double[]? ReadLoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Take(3).Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}

/// <summary>
/// The end of a run, as text and as JSON: per operation and in total, count, ops/s, p50/p95/p99/max latency
/// (ms) and final status counts; the failures; the consistency check; and whether the run passed.
/// </summary>
internal sealed class Report(LoadGenOptions options, Population population, RunResult run, ConsistencyCheck check, MachineInfo atStart, MachineInfo atEnd, DateTimeOffset startedAt)
{
    private readonly OperationStats _total = OperationStats.Sum(options.Mix.Entries.Select(e => run.Measured[e.Operation]));

    /// <summary>Why the run failed; empty when it passed.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            var problems = new List<string>();
            if (run.Tally.Failures > 0)
            {
                var reasons = string.Join(", ", run.Tally.FailuresByReason.Select(r => $"{r.Key} x{r.Value:N0}"));
                problems.Add($"{run.Tally.Failures:N0} of {run.Tally.Operations:N0} operations failed ({reasons})");
            }

            if (!check.Holds)
            {
                problems.Add($"the balances do not add up: {check.Describe()}" +
                    (run.Tally.FailedMutations > 0 ? $" ({run.Tally.FailedMutations:N0} failed mutations may or may not have landed)" : ""));
            }

            return problems;
        }
    }

    public bool Passed => Problems.Count == 0;

    public void WriteText(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"{"operation",-10} {"count",10} {"ops/s",10} {"p50 ms",9} {"p95 ms",9} {"p99 ms",9} {"max ms",9} {"retries",8}  statuses");
        foreach (var (operation, _) in options.Mix.Entries)
        {
            WriteRow(output, OperationNames.Of(operation), run.Measured[operation]);
        }

        WriteRow(output, "total", _total);
        output.WriteLine($"measured {run.MeasuredElapsed.TotalSeconds:F1} s after {options.WarmupSeconds} s of warm-up{(run.StoppedEarly ? " (stopped early)" : "")}; " +
            $"{run.Tally.Operations - _total.Count:N0} warm-up operations not in the figures; generator CPU {run.GeneratorCpu.TotalSeconds:F1} s; " +
            $"{atEnd.Cores} cores, load average {FormatLoad(atEnd.LoadAverage)}");
        if (options.Mix.Includes(Operation.Hold))
        {
            output.WriteLine("hold = HoldPoints then PostHold: one operation, its latency both calls'");
        }

        foreach (var sample in run.Tally.FailureSamples)
        {
            output.WriteLine($"error: {sample}");
        }

        output.WriteLine($"consistency: {check.Describe()}: {(check.Holds ? "holds" : "DOES NOT HOLD")}");
        output.WriteLine(Passed ? "result: passed (no errors, balances add up)" : $"result: FAILED: {string.Join("; ", Problems)}");
    }

    public void WriteJson(Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("tool", "timebank-loadgen");
        json.WriteString("started_at", startedAt);
        json.WriteBoolean("passed", Passed);
        json.WriteStartArray("problems");
        foreach (var problem in Problems)
        {
            json.WriteStringValue(problem);
        }

        json.WriteEndArray();
        WriteOptions(json);
        WriteMachine(json);
        json.WriteNumber("measured_seconds", Math.Round(run.MeasuredElapsed.TotalSeconds, 3));
        json.WriteBoolean("stopped_early", run.StoppedEarly);
        json.WriteNumber("warmup_operations", run.Tally.Operations - _total.Count);
        json.WriteNumber("generator_cpu_seconds", Math.Round(run.GeneratorCpu.TotalSeconds, 3));
        json.WritePropertyName("total");
        WriteStats(json, _total);
        json.WriteStartObject("operations");
        foreach (var (operation, _) in options.Mix.Entries)
        {
            json.WritePropertyName(OperationNames.Of(operation));
            WriteStats(json, run.Measured[operation]);
        }

        json.WriteEndObject();
        WriteErrors(json);
        WriteConsistency(json);
        json.WriteEndObject();
    }

    private void WriteRow(TextWriter output, string name, OperationStats stats)
    {
        var latency = stats.Latency;
        var statuses = string.Join(" ", stats.StatusCounts.Select(s => $"{s.Key} {s.Value:N0}"));
        output.WriteLine($"{name,-10} {stats.Count,10:N0} {PerSecond(stats),10:N1} {latency.PercentileMilliseconds(0.50),9:F2} {latency.PercentileMilliseconds(0.95),9:F2} " +
            $"{latency.PercentileMilliseconds(0.99),9:F2} {latency.MaxMilliseconds,9:F2} {stats.Retries,8:N0}  {statuses}");
    }

    private double PerSecond(OperationStats stats) => run.MeasuredElapsed > TimeSpan.Zero ? stats.Count / run.MeasuredElapsed.TotalSeconds : 0;

    private void WriteStats(Utf8JsonWriter json, OperationStats stats)
    {
        json.WriteStartObject();
        json.WriteNumber("count", stats.Count);
        json.WriteNumber("ops_per_second", Math.Round(PerSecond(stats), 1));
        json.WriteNumber("p50_ms", Math.Round(stats.Latency.PercentileMilliseconds(0.50), 3));
        json.WriteNumber("p95_ms", Math.Round(stats.Latency.PercentileMilliseconds(0.95), 3));
        json.WriteNumber("p99_ms", Math.Round(stats.Latency.PercentileMilliseconds(0.99), 3));
        json.WriteNumber("max_ms", Math.Round(stats.Latency.MaxMilliseconds, 3));
        json.WriteNumber("retries", stats.Retries);
        json.WriteNumber("errors", stats.Errors);
        json.WriteStartObject("status_codes");
        foreach (var (status, count) in stats.StatusCounts)
        {
            json.WriteNumber(status, count);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private void WriteOptions(Utf8JsonWriter json)
    {
        json.WriteStartObject("options");
        json.WriteString("address", options.Address.ToString());
        // Where the key came from, never the key.
        json.WriteString("admin_key_from", options.AdminKey is null ? Path.GetFullPath(options.AdminKeyFile) : "--admin-key");
        json.WriteNumber("connections", options.Connections);
        json.WriteNumber("in_flight_per_connection", options.InFlight);
        json.WriteNumber("volunteers", options.Volunteers);
        json.WriteNumber("seconds", options.Seconds);
        json.WriteNumber("warmup_seconds", options.WarmupSeconds);
        json.WriteStartObject("mix");
        foreach (var (operation, weight) in options.Mix.Entries)
        {
            json.WriteNumber(OperationNames.Of(operation), weight);
        }

        json.WriteEndObject();
        json.WriteString("community", population.Community);
        json.WriteBoolean("community_created", population.CommunityCreated);
        json.WriteNumber("seed", options.Seed);
        json.WriteEndObject();
    }

    private void WriteMachine(Utf8JsonWriter json)
    {
        json.WriteStartObject("machine");
        json.WriteNumber("cores", atStart.Cores);
        json.WriteString("os", atStart.Os);
        json.WriteString("framework", atStart.Framework);
        WriteLoad(json, "load_average_at_start", atStart.LoadAverage);
        WriteLoad(json, "load_average_at_end", atEnd.LoadAverage);
        json.WriteEndObject();
    }

    private static void WriteLoad(Utf8JsonWriter json, string name, double[]? load)
    {
        if (load is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartArray(name);
        foreach (var value in load)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }

    private void WriteErrors(Utf8JsonWriter json)
    {
        json.WriteStartObject("errors");
        json.WriteNumber("count", run.Tally.Failures);
        json.WriteStartObject("by_reason");
        foreach (var (reason, count) in run.Tally.FailuresByReason)
        {
            json.WriteNumber(reason, count);
        }

        json.WriteEndObject();
        json.WriteStartArray("samples");
        foreach (var sample in run.Tally.FailureSamples)
        {
            json.WriteStringValue(sample);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WriteConsistency(Utf8JsonWriter json)
    {
        json.WriteStartObject("consistency");
        json.WriteBoolean("holds", check.Holds);
        json.WriteNumber("minutes_before", check.Before.Minutes);
        json.WriteNumber("minutes_deposited", check.MinutesDeposited);
        json.WriteNumber("minutes_expected", check.ExpectedMinutes);
        json.WriteNumber("minutes_read_back", check.After.Minutes);
        json.WriteNumber("points_before", check.Before.Points);
        json.WriteNumber("points_awarded", check.PointsAwarded);
        json.WriteNumber("points_posted", check.PointsPosted);
        json.WriteNumber("points_expected", check.ExpectedPoints);
        json.WriteNumber("points_read_back", check.After.Points);
        if (check.Funds is { } funds)
        {
            json.WriteNumber("money_donated_before", funds.Before.Donated);
            json.WriteNumber("money_donated", funds.Donated);
            json.WriteNumber("money_donated_read_back", funds.After.Donated);
            json.WriteNumber("money_reserved_before", funds.Before.Reserved);
            json.WriteNumber("money_reserved", funds.Reserved);
            json.WriteNumber("money_reserved_read_back", funds.After.Reserved);
        }

        json.WriteEndObject();
    }

    private static string FormatLoad(double[]? load) => load is null ? "unknown" : string.Join(" ", load.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)));
}
