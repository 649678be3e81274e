using System.Threading.Channels;
using Npgsql;

namespace TimeBank.Storage.Postgres;

/// <summary>
/// Group reads for the question every deposit asks first, "has this request id been seen?": lookups that
/// queue while one query is in flight go out together as one query, one round trip for all of them. A
/// deposit's idempotency check thus costs a share of a round trip, as its write costs a share of a commit.
/// </summary>
internal sealed class PostgresRequestLookup : IAsyncDisposable
{
    private const int MaxBatch = 512;

    private const string Sql = $"""
        SELECT u.n, {PostgresJournalColumns.Select}
          FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(grain_id, request_id, n)
          JOIN journal AS j ON j.grain_id = u.grain_id AND j.request_id = u.request_id
         ORDER BY u.n, j.leg
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

    public Task<IReadOnlyList<JournalEntry>> FindAsync(string grainId, string requestId, CancellationToken cancellationToken)
    {
        var lookup = new Lookup(grainId, requestId);
        if (!_queue.Writer.TryWrite(lookup))
        {
            return Task.FromException<IReadOnlyList<JournalEntry>>(new StorageUnavailableException("PostgreSQL storage is shut down."));
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
            var found = new List<JournalEntry>[batch.Count];
            await using (var command = _dataSource.CreateCommand(Sql))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(l => l.GrainId).ToArray() });
                command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(l => l.RequestId).ToArray() });
                await using var rows = await command.ExecuteReaderAsync().ConfigureAwait(false);
                while (await rows.ReadAsync().ConfigureAwait(false))
                {
                    var index = (int)rows.GetInt64(0) - 1;
                    (found[index] ??= []).Add(PostgresJournalColumns.Read(rows, offset: 1));
                }
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(found[i] is { } rows ? rows : []);
            }
        }
        catch (Exception e)
        {
            var failure = new StorageUnavailableException("Could not read the journal from PostgreSQL.", e);
            foreach (var lookup in batch)
            {
                lookup.Completion.TrySetException(failure);
            }
        }
    }

    private sealed class Lookup(string grainId, string requestId)
    {
        public string GrainId { get; } = grainId;

        public string RequestId { get; } = requestId;

        public TaskCompletionSource<IReadOnlyList<JournalEntry>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
