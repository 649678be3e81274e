using Microsoft.Data.Sqlite;

namespace TimeBank.Storage.Sqlite;

/// <summary>
/// Gives journal rows written before tamper evidence their chain hashes, grain by grain in sequence order,
/// inside the migration's transaction: a page of rows at a time, so a large journal needs no large memory.
/// </summary>
internal static class SqliteJournalChainFill
{
    private const int PageSize = 1_000;

    public static async Task<long> FillAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = $"SELECT grain_id, {SqliteJournalColumns.Select} FROM journal WHERE chain_hash IS NULL AND (grain_id, sequence) > ($g, $s) ORDER BY grain_id, sequence LIMIT {PageSize}";
        var afterGrain = read.Parameters.AddWithValue("$g", "");
        var afterSequence = read.Parameters.AddWithValue("$s", 0L);

        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE journal SET chain_hash = $h WHERE grain_id = $g AND sequence = $s";
        var hash = update.Parameters.Add("$h", SqliteType.Blob);
        var grain = update.Parameters.Add("$g", SqliteType.Text);
        var sequence = update.Parameters.Add("$s", SqliteType.Integer);

        long filled = 0;
        var previous = JournalChain.Genesis;
        var previousGrain = "";
        while (true)
        {
            var page = new List<GrainJournalEntry>(PageSize);
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    page.Add(new GrainJournalEntry(reader.GetString(0), SqliteJournalColumns.Read(reader, offset: 1)));
                }
            }

            if (page.Count == 0)
            {
                return filled;
            }

            foreach (var row in page)
            {
                if (!string.Equals(row.GrainId, previousGrain, StringComparison.Ordinal))
                {
                    previous = JournalChain.Genesis; // every chain written before this step starts at its first row
                    previousGrain = row.GrainId;
                }

                var next = JournalChain.Next(previous.Span, row.GrainId, row.Entry);
                hash.Value = next;
                grain.Value = row.GrainId;
                sequence.Value = row.Entry.Sequence;
                await update.ExecuteNonQueryAsync(cancellationToken);
                previous = next;
                filled++;
            }

            afterGrain.Value = page[^1].GrainId;
            afterSequence.Value = page[^1].Entry.Sequence;
        }
    }
}
