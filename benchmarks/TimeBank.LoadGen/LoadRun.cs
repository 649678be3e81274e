using System.Diagnostics;

namespace TimeBank.LoadGen;

/// <summary>What the load phase measured.</summary>
internal sealed record RunResult(PhaseStatistics Measured, RunTally Tally, TimeSpan MeasuredElapsed, TimeSpan GeneratorCpu, bool StoppedEarly);

/// <summary>
/// The load: <c>--in-flight</c> loops on each connection, each sending one operation at a time and the next as
/// soon as it is answered. One continuous run: operations started in the first <c>--warmup</c> seconds count
/// for the consistency check only, those started after it are measured. A loop starts nothing after the end
/// (or a stop request) but lets the operation it has in flight finish, so every write the run made has a
/// known outcome when the balances are read back.
/// </summary>
internal static class LoadRun
{
    public static async Task<RunResult> RunAsync(
        LoadGenOptions options, IReadOnlyList<Connection> connections, Population population, Progress progress, CancellationToken stop)
    {
        var warmup = new PhaseStatistics();
        var measured = new PhaseStatistics();
        var tally = new RunTally();
        var started = Stopwatch.GetTimestamp();
        var measureFrom = started + ToTicks(options.WarmupSeconds);
        var endAt = measureFrom + ToTicks(options.Seconds);
        var cpuAtMeasureStart = TimeSpan.Zero;
        var cpuCaptured = 0;

        async Task LoopAsync(Workload workload, Random random)
        {
            while (!stop.IsCancellationRequested)
            {
                var begin = Stopwatch.GetTimestamp();
                if (begin >= endAt)
                {
                    return;
                }

                if (begin >= measureFrom && Interlocked.Exchange(ref cpuCaptured, 1) == 0)
                {
                    cpuAtMeasureStart = ProcessorTime();
                }

                var operation = options.Mix.Pick(random);
                var outcome = await workload.RunAsync(operation, random);
                var elapsed = Stopwatch.GetTimestamp() - begin;
                (begin < measureFrom ? warmup : measured)[operation].Record(outcome, elapsed);
                tally.Add(operation, outcome);
            }
        }

        var loops = new List<Task>(options.Connections * options.InFlight);
        for (var c = 0; c < connections.Count; c++)
        {
            var workload = new Workload(connections[c].Client, population.Keys, population.Volunteers, population.Venues);
            for (var m = 0; m < options.InFlight; m++)
            {
                // Seeded per loop, so the sequence of choices each loop makes repeats with --seed.
                var random = new Random(unchecked((options.Seed * 1_000_003) + (c * options.InFlight) + m));
                loops.Add(Task.Run(() => LoopAsync(workload, random), CancellationToken.None));
            }
        }

        using var progressDone = new CancellationTokenSource();
        var reporting = progress.RunAsync(tally, started, measureFrom, progressDone.Token);
        await Task.WhenAll(loops);
        var finished = Stopwatch.GetTimestamp();
        await progressDone.CancelAsync();
        await reporting;

        var cpu = Volatile.Read(ref cpuCaptured) == 1 ? ProcessorTime() - cpuAtMeasureStart : TimeSpan.Zero;
        var measuredElapsed = finished > measureFrom ? Stopwatch.GetElapsedTime(measureFrom, finished) : TimeSpan.Zero;
        return new RunResult(measured, tally, measuredElapsed, cpu, stop.IsCancellationRequested);
    }

    private static long ToTicks(double seconds) => (long)(seconds * Stopwatch.Frequency);

    /// <summary>CPU time of this process (all threads): on a 2-core machine, whether the generator itself is the limit.</summary>
    private static TimeSpan ProcessorTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}

/// <summary>
/// The live progress line: on a terminal, one line rewritten every second; elsewhere (a pipe, a log, a test),
/// a plain line every five seconds.
/// </summary>
internal sealed class Progress(TextWriter output, bool isTerminal)
{
    public async Task RunAsync(RunTally tally, long started, long measureFrom, CancellationToken done)
    {
        var interval = TimeSpan.FromSeconds(isTerminal ? 1 : 5);
        var lastOperations = 0L;
        var lastTime = started;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(done))
            {
                var now = Stopwatch.GetTimestamp();
                var operations = tally.Operations;
                var rate = (operations - lastOperations) / Stopwatch.GetElapsedTime(lastTime, now).TotalSeconds;
                (lastOperations, lastTime) = (operations, now);
                var phase = now < measureFrom ? "warm-up " : "measured";
                var line = $"{Stopwatch.GetElapsedTime(started, now).TotalSeconds,7:F1} s  {phase}  {operations,12:N0} ops  {rate,10:N0} ops/s  {tally.Failures:N0} errors";
                if (isTerminal)
                {
                    await output.WriteAsync($"\r{line}   ");
                    await output.FlushAsync(CancellationToken.None);
                }
                else
                {
                    await output.WriteLineAsync(line);
                }
            }
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
        }

        if (isTerminal)
        {
            await output.WriteLineAsync();
        }
    }
}
