using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TimeBank.Storage.Internal;

/// <summary>
/// Where a durable write's time goes inside storage, on the <c>TimeBank.Storage</c> meter (read with
/// <c>dotnet-counters monitor -n TimeBank.Server --counters TimeBank.Storage</c>): how long it waited in the
/// group-commit queue for the writer, how long its batch took to commit, and how many writes a batch held; per
/// batch, how long the writer sat idle before it and how much of it was the COMMIT itself (the rest is the
/// statements before it). Recording costs next to nothing while nobody listens.
/// </summary>
internal static class StorageMetrics
{
    public const string MeterName = "TimeBank.Storage";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>(
        "timebank.storage.queue_wait", unit: "ms", description: "From a write's submission to the writer taking it into a batch.");

    private static readonly Histogram<double> Commit = Meter.CreateHistogram<double>(
        "timebank.storage.commit", unit: "ms", description: "From the writer taking a write into a batch to the batch's outcome (the commit and its fsync).");

    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "timebank.storage.batch_size", unit: "{write}", description: "Writes committed together in one transaction.");

    private static readonly Histogram<double> WriterIdle = Meter.CreateHistogram<double>(
        "timebank.storage.writer_idle", unit: "ms", description: "Per batch: how long the writer waited for its first write (zero when writes were queued).");

    private static readonly Histogram<double> CommitStatement = Meter.CreateHistogram<double>(
        "timebank.storage.commit_statement", unit: "ms", description: "Per batch: the COMMIT alone (SQLite: its WAL frames and fsync; PostgreSQL: the round trip and WAL flush).");

    public static void Idle(string provider, long waitedFrom, long now)
    {
        if (WriterIdle.Enabled)
        {
            WriterIdle.Record(Stopwatch.GetElapsedTime(waitedFrom, now).TotalMilliseconds, new KeyValuePair<string, object?>("provider", provider));
        }
    }

    public static void Committed(string provider, long commitStarted)
    {
        if (CommitStatement.Enabled)
        {
            CommitStatement.Record(Stopwatch.GetElapsedTime(commitStarted).TotalMilliseconds, new KeyValuePair<string, object?>("provider", provider));
        }
    }

    public static void Taken(string provider, PendingWrite pending, long now)
    {
        pending.TakenAt = now;
        if (QueueWait.Enabled)
        {
            QueueWait.Record(Stopwatch.GetElapsedTime(pending.SubmittedAt, now).TotalMilliseconds, new KeyValuePair<string, object?>("provider", provider));
        }
    }

    public static void Batch(string provider, int size)
    {
        if (BatchSize.Enabled)
        {
            BatchSize.Record(size, new KeyValuePair<string, object?>("provider", provider));
        }
    }

    public static void Completed(PendingWrite pending)
    {
        if (Commit.Enabled && pending.TakenAt != 0)
        {
            Commit.Record(Stopwatch.GetElapsedTime(pending.TakenAt).TotalMilliseconds);
        }
    }
}
