using System.Diagnostics;
using System.Diagnostics.Metrics;
using TimeBank.Rpc;

namespace TimeBank.Server.Api.Internal;

/// <summary>
/// Calls and their durations by method and status, on the <c>TimeBank.Server</c> meter (readable with
/// <c>dotnet-counters monitor -n TimeBank.Server --counters TimeBank.Server</c>).
/// </summary>
internal sealed class ApiMetrics : IDisposable
{
    public const string MeterName = "TimeBank.Server";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;

    public ApiMetrics()
    {
        _calls = _meter.CreateCounter<long>("timebank.rpc.calls", description: "gRPC calls answered, by method and status.");
        _duration = _meter.CreateHistogram<double>("timebank.rpc.duration", unit: "ms", description: "Time from the request's arrival at the pipeline to its answer.");
    }

    public void Record(string method, StatusCode status, TimeSpan elapsed)
    {
        var tags = new TagList { { "rpc.method", method }, { "rpc.grpc.status_code", (int)status } };
        _calls.Add(1, tags);
        _duration.Record(elapsed.TotalMilliseconds, tags);
    }

    public void Dispose() => _meter.Dispose();
}
