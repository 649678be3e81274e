using System.Threading.Channels;
using Npgsql;

namespace TimeBank.Storage.Postgres;

/// <summary>
/// Group reads for the question every mutation asks first, "has this caller sent this request id before?": lookups that
/// queue while one query is in flight go out together as one query, one round trip for all of them. A
/// deposit's idempotency check thus costs a share of a round trip, as its write costs a share of a commit.
/// </summary>
internal sealed class PostgresRequestLookup : IAsyncDisposable
{
    private const int MaxBatch = 512;

    private const string Sql = """
        SELECT u.n, r.operation, r.target, r.fingerprint, r.result, r.recorded_at
          FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(caller_key_id, request_id, n)
          JOIN requests AS r ON r.caller_key_id = u.caller_key_id AND r.request_id = u.request_id
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly Channel<Lookup> _queue = Channel.CreateUnbounded<Lookup>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _readers;

    /// <param name="readers">Queries in flight at once; each takes whatever queued while the others ran.</param>
    public PostgresRequestLookup(NpgsqlDataSource dataSource, int readers)
    {
        _dataSource = dataSource;
        _readers = Enumerable.Range(0, readers).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    public Task<RequestRecord?> FindAsync(string callerKeyId, string requestId, CancellationToken cancellationToken)
    {
        var lookup = new Lookup(callerKeyId, requestId);
        if (!_queue.Writer.TryWrite(lookup))
        {
            return Task.FromException<RequestRecord?>(new StorageUnavailableException("PostgreSQL storage is shut down."));
        }

        return cancellationToken.CanBeCanceled ? lookup.Completion.Task.WaitAsync(cancellationToken) : lookup.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_readers).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<Lookup>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var lookup))
            {
                batch.Add(lookup);
            }

            if (batch.Count > 0)
            {
                await LookUpAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }

    private async Task LookUpAsync(List<Lookup> batch)
    {
        try
        {
            var found = new RequestRecord?[batch.Count];
            await using (var command = _dataSource.CreateCommand(Sql))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(l => l.CallerKeyId).ToArray() });
                command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(l => l.RequestId).ToArray() });
                await using var rows = await command.ExecuteReaderAsync().ConfigureAwait(false);
                while (await rows.ReadAsync().ConfigureAwait(false))
                {
                    var index = (int)rows.GetInt64(0) - 1;
                    var lookup = batch[index];
                    found[index] = new RequestRecord(
                        lookup.CallerKeyId, lookup.RequestId, rows.GetString(1), rows.GetString(2),
                        rows.GetFieldValue<byte[]>(3), rows.GetFieldValue<byte[]>(4), rows.GetFieldValue<DateTimeOffset>(5));
                }
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(found[i]);
            }
        }
        catch (Exception e)
        {
            var failure = new StorageUnavailableException("Could not read request records from PostgreSQL.", e);
            foreach (var lookup in batch)
            {
                lookup.Completion.TrySetException(failure);
            }
        }
    }

    private sealed class Lookup(string callerKeyId, string requestId)
    {
        public string CallerKeyId { get; } = callerKeyId;

        public string RequestId { get; } = requestId;

        public TaskCompletionSource<RequestRecord?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
