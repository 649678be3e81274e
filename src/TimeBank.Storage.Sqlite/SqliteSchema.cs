using Microsoft.Data.Sqlite;

namespace TimeBank.Storage.Sqlite;

/// <summary>
/// Brings a database file to the newest schema. Runs under <c>BEGIN IMMEDIATE</c>, so two processes
/// starting together take turns and the second finds nothing left to do.
/// </summary>
internal static class SqliteSchema
{
    public static async Task<IReadOnlyList<int>> MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    INTEGER NOT NULL PRIMARY KEY,
                    name       TEXT    NOT NULL,
                    applied_at TEXT    NOT NULL
                );
                """;
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new List<int>();
        // Not deferred: BEGIN IMMEDIATE takes the write lock before reading what is applied.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var done = new HashSet<int>();
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT version FROM schema_migrations";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                done.Add(reader.GetInt32(0));
            }
        }

        foreach (var migration in SqliteMigrations.All)
        {
            if (done.Contains(migration.Version))
            {
                continue;
            }

            await using (var step = connection.CreateCommand())
            {
                step.Transaction = transaction;
                step.CommandText = migration.Sql;
                await step.ExecuteNonQueryAsync(cancellationToken);
            }

            if (migration.FillsJournalChains)
            {
                await SqliteJournalChainFill.FillAsync(connection, transaction, cancellationToken);
            }

            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, $t)";
                record.Parameters.AddWithValue("$v", migration.Version);
                record.Parameters.AddWithValue("$n", migration.Name);
                record.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToString("O"));
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            applied.Add(migration.Version);
        }

        await transaction.CommitAsync(cancellationToken);
        return applied;
    }
}
