using Npgsql;

namespace TimeBank.Storage.Postgres;

/// <summary>
/// Gives journal rows written before tamper evidence their chain hashes, grain by grain in sequence order,
/// inside the migration's transaction, a page at a time.
/// </summary>
internal static class PostgresJournalChainFill
{
    private const int PageSize = 1_000;

    public static async Task<long> FillAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        long filled = 0;
        var previous = JournalChain.Genesis;
        var previousGrain = "";
        var afterGrain = "";
        var afterSequence = 0L;
        while (true)
        {
            var page = new List<GrainJournalEntry>(PageSize);
            await using (var read = new NpgsqlCommand(
                $"SELECT j.grain_id, {PostgresJournalColumns.Select} FROM journal AS j WHERE j.chain_hash IS NULL AND (j.grain_id COLLATE \"C\", j.sequence) > ($1 COLLATE \"C\", $2) ORDER BY j.grain_id COLLATE \"C\", j.sequence LIMIT {PageSize}",
                connection, transaction))
            {
                read.Parameters.Add(new NpgsqlParameter { Value = afterGrain });
                read.Parameters.Add(new NpgsqlParameter { Value = afterSequence });
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    page.Add(new GrainJournalEntry(reader.GetString(0), PostgresJournalColumns.Read(reader, offset: 1)));
                }
            }

            if (page.Count == 0)
            {
                return filled;
            }

            var grains = new string[page.Count];
            var sequences = new long[page.Count];
            var hashes = new byte[page.Count][];
            for (var i = 0; i < page.Count; i++)
            {
                var row = page[i];
                if (!string.Equals(row.GrainId, previousGrain, StringComparison.Ordinal))
                {
                    previous = JournalChain.Genesis;
                    previousGrain = row.GrainId;
                }

                hashes[i] = JournalChain.Next(previous.Span, row.GrainId, row.Entry);
                previous = hashes[i];
                grains[i] = row.GrainId;
                sequences[i] = row.Entry.Sequence;
            }

            await using (var update = new NpgsqlCommand(
                "UPDATE journal AS j SET chain_hash = u.h FROM unnest($1::text[], $2::bigint[], $3::bytea[]) AS u(g, s, h) WHERE j.grain_id = u.g AND j.sequence = u.s",
                connection, transaction))
            {
                update.Parameters.Add(new NpgsqlParameter { Value = grains });
                update.Parameters.Add(new NpgsqlParameter { Value = sequences });
                update.Parameters.Add(new NpgsqlParameter { Value = hashes });
                await update.ExecuteNonQueryAsync(cancellationToken);
            }

            filled += page.Count;
            afterGrain = page[^1].GrainId;
            afterSequence = page[^1].Entry.Sequence;
        }
    }
}
