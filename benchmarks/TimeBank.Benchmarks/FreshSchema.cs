using Npgsql;

namespace TimeBank.Benchmarks;

/// <summary>A new, empty PostgreSQL schema for one benchmark run, so runs never see each other's rows.</summary>
internal static class FreshSchema
{
    /// <summary>Creates <c>{prefix}_{random}</c> and returns the connection string whose search path is that schema.</summary>
    public static async Task<string> CreateAsync(string? connectionString, string prefix)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            throw new ArgumentException("PostgreSQL needs a connection string: --postgres CS or TIMEBANK_TEST_POSTGRES.", nameof(connectionString));
        }

        var schema = $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 13)];
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ConnectionString;
    }
}
