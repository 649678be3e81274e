using TimeBank.Storage.InMemory;
using TimeBank.Storage.Postgres;
using TimeBank.Storage.Sqlite;
using TimeBank.Testing;

namespace TimeBank.Storage.Tests;

/// <summary>The storage contract on process memory.</summary>
public sealed class InMemoryStorageContractTests : StorageContractTests
{
    protected override Task<IGrainStorage> CreateStorageAsync(TimeSpan batchWindow = default) => Task.FromResult<IGrainStorage>(new InMemoryGrainStorage());
}

/// <summary>The storage contract on a SQLite file of its own per test.</summary>
public sealed class SqliteStorageContractTests : StorageContractTests
{
    protected override async Task<IGrainStorage> CreateStorageAsync(TimeSpan batchWindow = default)
        => await SqliteGrainStorage.OpenAsync(
            new SqliteStorageOptions { DatabasePath = StorageProviders.NewSqlitePath(), BatchWindow = batchWindow }, cancellationToken: TestContext.Current.CancellationToken);
}

/// <summary>The storage contract on the test PostgreSQL, in a schema of its own per test.</summary>
public sealed class PostgresStorageContractTests : StorageContractTests
{
    protected override async Task<IGrainStorage> CreateStorageAsync(TimeSpan batchWindow = default)
        => await PostgresGrainStorage.OpenAsync(
            new PostgresStorageOptions { ConnectionString = await TestPostgres.CreateSchemaAsync(), BatchWindow = batchWindow },
            cancellationToken: TestContext.Current.CancellationToken);
}

public static class StorageProviders
{
    public static string NewSqlitePath() => TestEnvironment.NewSqliteFile();
}
