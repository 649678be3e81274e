using System.Globalization;
using System.Runtime.CompilerServices;
using TimeBank.Benchmarks.Grains;
using TimeBank.Runtime;

namespace TimeBank.Benchmarks;

/// <summary>
/// Bytes retained per idle activation: activate 100,000 counter grains on in-memory storage, drop every
/// reference to them, let them go idle, force a full GC and divide the growth of the managed heap by the count.
/// BenchmarkDotNet measures allocations, not what stays alive, hence this separate mode (<c>--memory</c>).
/// </summary>
/// <remarks>
/// What is counted is everything the host keeps for an idle activation: the Activation, the grain object and
/// its state object, the directory entry, and the grain key string (which the directory holds; "counter-000000"
/// is 56 bytes of it). The caller's references are dropped before measuring, as a caller would drop them.
/// </remarks>
internal static class IdleActivationMemory
{
    public const int Activations = 100_000;
    public const int Runs = 3;

    public static async Task RunAsync(TextWriter output)
    {
        output.WriteLine($"Idle activation memory: {Activations:N0} counter grains on in-memory storage, {Runs} runs, GC.GetTotalMemory(true) before/after.");

        // Warm-up, not printed: JIT, type loading and thread-pool growth happen here, not inside a measurement.
        await MeasureOnceAsync(1_000);

        for (var run = 1; run <= Runs; run++)
        {
            var bytes = await MeasureOnceAsync(Activations);
            output.WriteLine($"bytes per idle activation: {bytes.ToString("F1", CultureInfo.InvariantCulture)}");
        }
    }

    private static async Task<double> MeasureOnceAsync(int count)
    {
        var host = BenchmarkHost.Create();
        try
        {
            var before = GC.GetTotalMemory(forceFullCollection: true);
            await ActivateAsync(host, count);
            var after = GC.GetTotalMemory(forceFullCollection: true);
            if (host.ActivationCount != count)
            {
                throw new InvalidOperationException($"Expected {count} live activations, found {host.ActivationCount}.");
            }

            return (after - before) / (double)count;
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>Not inlined, so no reference to a grain outlives it on the caller's frame.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task ActivateAsync(GrainHost host, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var key = "counter-" + i.ToString("D6", CultureInfo.InvariantCulture);
            await host.GetGrain<ICounterGrain>(key).PingAsync();
        }
    }
}
