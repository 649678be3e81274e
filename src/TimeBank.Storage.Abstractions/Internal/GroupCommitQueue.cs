using System.Threading.Channels;

namespace TimeBank.Storage.Internal;

/// <summary>
/// Where writes wait for the provider's single writer. A batch closes when it holds
/// <see cref="MaxBatchSize"/> writes or when <see cref="Window"/> has passed since its first write, whichever
/// comes first; with a zero window it takes exactly what queued while the previous commit was in flight.
/// Either way one commit (one fsync) is paid per batch, not per write.
/// </summary>
internal sealed class GroupCommitQueue(string provider, int maxBatchSize, TimeSpan window, TimeProvider clock)
{
    private readonly Channel<PendingWrite> _channel = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });

    public int MaxBatchSize { get; } = maxBatchSize >= 1 ? maxBatchSize : throw new ArgumentOutOfRangeException(nameof(maxBatchSize), "A batch holds at least one write.");

    public TimeSpan Window { get; } = window >= TimeSpan.Zero ? window : throw new ArgumentOutOfRangeException(nameof(window), "The window cannot be negative.");

    /// <summary>Queues a write; the task completes once its batch has committed (or failed).</summary>
    public Task<long> Submit(StateWrite write)
    {
        var pending = new PendingWrite(write);
        return _channel.Writer.TryWrite(pending)
            ? pending.Completion.Task
            : Task.FromException<long>(new StorageUnavailableException($"{provider} storage is shut down."));
    }

    /// <summary>Takes no more writes; <see cref="ReadBatchAsync"/> still hands out every queued one before it returns false.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Fills <paramref name="batch"/>; false once the queue is completed and empty.</summary>
    public async ValueTask<bool> ReadBatchAsync(List<PendingWrite> batch)
    {
        var reader = _channel.Reader;
        var waitedFrom = System.Diagnostics.Stopwatch.GetTimestamp();
        if (!await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            return false;
        }

        StorageMetrics.Idle(provider, waitedFrom, System.Diagnostics.Stopwatch.GetTimestamp());
        Drain(reader, batch);
        if (Window > TimeSpan.Zero && batch.Count < MaxBatchSize)
        {
            var closesAt = clock.GetTimestamp() + (long)(Window.TotalSeconds * clock.TimestampFrequency);
            while (batch.Count < MaxBatchSize)
            {
                var remaining = clock.GetElapsedTime(clock.GetTimestamp(), closesAt);
                if (remaining <= TimeSpan.Zero)
                {
                    break;
                }

                using var timeout = new CancellationTokenSource(remaining, clock);
                try
                {
                    if (!await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                Drain(reader, batch);
            }
        }

        var taken = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var pending in batch)
        {
            StorageMetrics.Taken(provider, pending, taken);
        }

        StorageMetrics.Batch(provider, batch.Count);
        return true;
    }

    private void Drain(ChannelReader<PendingWrite> reader, List<PendingWrite> batch)
    {
        while (batch.Count < MaxBatchSize && reader.TryRead(out var pending))
        {
            batch.Add(pending);
        }
    }
}
