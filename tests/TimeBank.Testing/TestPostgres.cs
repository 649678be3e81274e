using Npgsql;

namespace TimeBank.Testing;

/// <summary>
/// The PostgreSQL the tests use, named by one environment variable. ./test.sh starts a throwaway
/// PostgreSQL 15 and sets it; without it, PostgreSQL tests skip saying how to get one, except under
/// CI=true, where a missing database is a failure, not a skip.
/// </summary>
public static class TestPostgres
{
    public const string EnvironmentVariable = "TIMEBANK_TEST_POSTGRES";

    /// <summary>The connection string, or a skip (a failure under CI=true) with the exact fix.</summary>
    public static string RequireConnectionString()
    {
        var connectionString = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var message = $"{EnvironmentVariable} is not set, so PostgreSQL tests cannot run. Fix: run ./test.sh (it starts a throwaway "
                + $"PostgreSQL 15, installing postgresql-15 when root), or export {EnvironmentVariable}=\"Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres\".";
            Assert.False(TestEnvironment.IsCi, "CI=true: " + message);
            Assert.Skip(message);
        }

        return connectionString;
    }

    /// <summary>
    /// A new, empty schema for one test, and a connection string whose search path is it: tests share the
    /// server but never each other's tables.
    /// </summary>
    public static async Task<string> CreateSchemaAsync()
    {
        var connectionString = RequireConnectionString();
        // Named with the hour it was made, so a later run can tell a schema left a day ago from one in use now.
        var schema = $"t_{DateTime.UtcNow:yyyyMMddHH}_{Guid.NewGuid().ToString("N")[..12]}";
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            if (Interlocked.Exchange(ref _swept, 1) == 0)
            {
                await DropLeftoversAsync(connection);
            }

            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema, MaxPoolSize = 20 }.ConnectionString;
    }

    private static int _swept;

    /// <summary>
    /// Test schemas are never dropped by their tests (a failing test's tables are worth reading), so on a developer's
    /// PostgreSQL they pile up run after run (gigabytes). The first schema a test process makes drops those made
    /// more than a day ago. (./test.sh's throwaway PostgreSQL goes whole at the end of its run.)
    /// </summary>
    private static async Task DropLeftoversAsync(NpgsqlConnection connection)
    {
        var cutoff = $"t_{DateTime.UtcNow.AddDays(-1):yyyyMMddHH}";
        var old = new List<string>();
        await using (var find = new NpgsqlCommand(
            "SELECT nspname::text FROM pg_namespace WHERE nspname ~ '^t_[0-9]{10}_[0-9a-f]{12}$' AND nspname::text COLLATE \"C\" < $1 ORDER BY 1", connection))
        {
            find.Parameters.Add(new NpgsqlParameter { Value = cutoff });
            await using var reader = await find.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                old.Add(reader.GetString(0));
            }
        }

        foreach (var schema in old)
        {
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
