using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace TimeBank.Benchmarks;

/// <summary>
/// "Calls/s" = 1e9 / Mean (ns per operation), in millions. Mean is per operation because the throughput
/// benchmarks set OperationsPerInvoke to the number of calls they make.
/// </summary>
public sealed class CallsPerSecondColumn : IColumn
{
    public string Id => nameof(CallsPerSecondColumn);

    public string ColumnName => "Calls/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Calls per second, millions (1e9 / Mean in ns)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        => summary[benchmarkCase]?.ResultStatistics?.Mean is { } nanoseconds and > 0
            ? (1e9 / nanoseconds / 1e6).ToString("F2", CultureInfo.InvariantCulture) + " M"
            : "NA";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public override string ToString() => ColumnName;
}

/// <summary>The throughput benchmarks' config: the default columns plus <see cref="CallsPerSecondColumn"/>.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig() => AddColumn(new CallsPerSecondColumn());
}
