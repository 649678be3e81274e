using System.Collections.Concurrent;
using TimeBank.Rpc;

namespace TimeBank.LoadGen;

/// <summary>One operation's figures in one phase (warm-up or measured): latencies, final statuses, retries.</summary>
internal sealed class OperationStats
{
    private readonly long[] _statusCounts = new long[Enum.GetValues<StatusCode>().Max(c => (int)c) + 1];
    private long _retries;

    public LatencyRecorder Latency { get; } = new();

    public long Count => Latency.Count;

    public long Retries => Interlocked.Read(ref _retries);

    public long Errors => Count - Interlocked.Read(ref _statusCounts[(int)StatusCode.OK]);

    /// <summary>How many operations ended with each status, by its canonical name ("OK", "ABORTED"...), most first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> StatusCounts =>
        Enum.GetValues<StatusCode>()
            .Select(code => KeyValuePair.Create(StatusNames.Of(code), Interlocked.Read(ref _statusCounts[(int)code])))
            .Where(pair => pair.Value > 0)
            .OrderByDescending(pair => pair.Value)
            .ToArray();

    public void Record(Outcome outcome, long elapsedTicks)
    {
        Latency.RecordTicks(elapsedTicks);
        Interlocked.Increment(ref _statusCounts[(int)outcome.Status]);
        Interlocked.Add(ref _retries, outcome.Retries);
    }

    /// <summary>The sum of several (the total over operations); call once the run is over.</summary>
    public static OperationStats Sum(IEnumerable<OperationStats> parts)
    {
        var sum = new OperationStats();
        foreach (var part in parts)
        {
            sum.Latency.Add(part.Latency);
            sum._retries += part._retries;
            for (var i = 0; i < sum._statusCounts.Length; i++)
            {
                sum._statusCounts[i] += part._statusCounts[i];
            }
        }

        return sum;
    }
}

/// <summary>Every operation's figures in one phase.</summary>
internal sealed class PhaseStatistics
{
    private readonly OperationStats[] _byOperation = OperationNames.All.Select(_ => new OperationStats()).ToArray();

    public OperationStats this[Operation operation] => _byOperation[(int)operation];
}

/// <summary>
/// What the whole run moved, warm-up included (it wrote to the same balances), for the consistency check;
/// and the failures, counted by status and reason, with the first few messages kept to show.
/// </summary>
internal sealed class RunTally
{
    private const int MaxSamples = 5;

    private readonly ConcurrentDictionary<string, long> _failuresByReason = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _samples = new();
    private long _minutesDeposited;
    private long _pointsAwarded;
    private long _pointsPosted;
    private long _moneyDonated;
    private long _moneyReserved;
    private long _operations;
    private long _failures;
    private long _failedMutations;

    public long MinutesDeposited => Interlocked.Read(ref _minutesDeposited);

    public long PointsAwarded => Interlocked.Read(ref _pointsAwarded);

    public long PointsPosted => Interlocked.Read(ref _pointsPosted);

    public long MoneyDonated => Interlocked.Read(ref _moneyDonated);

    public long MoneyReserved => Interlocked.Read(ref _moneyReserved);

    public long Operations => Interlocked.Read(ref _operations);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Mutations that ended in an error: some (a deadline, a lost connection) may still have landed.</summary>
    public long FailedMutations => Interlocked.Read(ref _failedMutations);

    /// <summary>"FAILED_PRECONDITION INSUFFICIENT_HOURS" and the like, with counts, most first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> FailuresByReason => _failuresByReason.OrderByDescending(pair => pair.Value).ToArray();

    public IReadOnlyList<string> FailureSamples => _samples.ToArray();

    public void Add(Operation operation, Outcome outcome)
    {
        Interlocked.Increment(ref _operations);
        Interlocked.Add(ref _minutesDeposited, outcome.MinutesDeposited);
        Interlocked.Add(ref _pointsAwarded, outcome.PointsAwarded);
        Interlocked.Add(ref _pointsPosted, outcome.PointsPosted);
        Interlocked.Add(ref _moneyDonated, outcome.MoneyDonated);
        Interlocked.Add(ref _moneyReserved, outcome.MoneyReserved);
        if (!outcome.Failed)
        {
            return;
        }

        Interlocked.Increment(ref _failures);
        if (operation != Operation.Balance)
        {
            Interlocked.Increment(ref _failedMutations);
        }

        var reason = $"{StatusNames.Of(outcome.Status)} {outcome.Failure?.Reason ?? "(no reason)"}";
        _failuresByReason.AddOrUpdate(reason, 1, (_, count) => count + 1);
        if (_samples.Count < MaxSamples)
        {
            _samples.Enqueue($"{OperationNames.Of(operation)}: {reason}: {outcome.Failure?.Detail}");
        }
    }
}

/// <summary>Status codes as gRPC names them on the wire and in docs: OK, DEADLINE_EXCEEDED, ...</summary>
internal static class StatusNames
{
    /// <summary>"UNAUTHENTICATED KEY_MALFORMED: the server's message", for one failure.</summary>
    public static string Describe(RpcException failure)
        => $"{Of(failure.StatusCode)}{(failure.Reason is null ? "" : " " + failure.Reason)}: {failure.Detail}";

    public static string Of(StatusCode code)
    {
        var name = code.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && !char.IsUpper(name[i - 1]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(name[i]));
        }

        return builder.ToString();
    }
}
