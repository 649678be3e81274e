namespace TimeBank.Storage.Internal;

/// <summary>A write waiting in a provider's queue, and what became of it once its batch ended.</summary>
internal sealed class PendingWrite(StateWrite write)
{
    public StateWrite Write { get; } = write;

    // Continuations run on the thread pool, never inline on the writer loop, which must get back to committing.
    public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PendingOutcome Outcome { get; set; }

    /// <summary>When it was queued and when the writer took it (<see cref="System.Diagnostics.Stopwatch"/> timestamps), for <see cref="StorageMetrics"/>.</summary>
    public long SubmittedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    public long TakenAt { get; set; }

    public void Complete()
    {
        StorageMetrics.Completed(this);
        if (Outcome.Error is { } error)
        {
            Completion.TrySetException(error);
        }
        else
        {
            Completion.TrySetResult(Outcome.Version);
        }
    }
}

internal readonly record struct PendingOutcome(long Version, Exception? Error)
{
    public static PendingOutcome Applied(long version) => new(version, null);

    public static PendingOutcome Failed(Exception error) => new(0, error);
}
