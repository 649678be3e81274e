using BenchmarkDotNet.Running;

namespace TimeBank.Benchmarks;

public static class Program
{
    /// <summary>
    /// <c>--memory</c> measures bytes retained per idle activation (BenchmarkDotNet measures allocations, not
    /// retention); <c>--durable</c> is the load generator for durable deposits (see DurableDeposits);
    /// <c>--attendance</c> times a durable confirmation of 500 attendees (see AttendanceConfirmation);
    /// <c>--raw-ceiling</c> the databases' batched-insert ceiling for deposit-shaped rows (see RawCeiling);
    /// <c>--bare-endpoint</c> serves one fixed gRPC answer on Kestrel h2c, the gateway's ceiling (see BareEndpoint);
    /// <c>--resident-volunteers</c> bytes per active volunteer with a million active (see ResidentVolunteers);
    /// <c>--start-time</c> the server's start to SERVING on a filled PostgreSQL (see StartTime);
    /// <c>--report-scale</c> report queries on a pilot-sized community, SQLite and PostgreSQL (see ReportScale); anything
    /// else goes to BenchmarkDotNet, e.g. <c>--filter '*'</c> or <c>--list flat</c>.
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Contains("--durable", StringComparer.Ordinal))
        {
            return await DurableDeposits.RunAsync(args, Console.Out);
        }

        if (args.Contains("--report-scale", StringComparer.Ordinal))
        {
            return await ReportScale.RunAsync(args, Console.Out);
        }

        if (args.Contains("--start-time", StringComparer.Ordinal))
        {
            return await StartTime.RunAsync(args, Console.Out);
        }

        if (args.Contains("--resident-volunteers", StringComparer.Ordinal))
        {
            return await ResidentVolunteers.RunAsync(args, Console.Out);
        }

        if (args.Contains("--raw-ceiling", StringComparer.Ordinal))
        {
            return await RawCeiling.RunAsync(args, Console.Out);
        }

        if (args.Contains("--bare-endpoint", StringComparer.Ordinal))
        {
            return await BareEndpoint.RunAsync(args, Console.Out);
        }

        if (args.Contains("--attendance", StringComparer.Ordinal))
        {
            return await AttendanceConfirmation.RunAsync(args, Console.Out);
        }

        if (args.Contains("--memory", StringComparer.Ordinal))
        {
            await IdleActivationMemory.RunAsync(Console.Out);
            return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
