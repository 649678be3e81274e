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
        var schema = "t_" + Guid.NewGuid().ToString("N")[..20];
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema, MaxPoolSize = 20 }.ConnectionString;
    }
}
