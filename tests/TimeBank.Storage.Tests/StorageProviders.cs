using TimeBank.Storage.InMemory;
using TimeBank.Storage.Postgres;
using TimeBank.Storage.Sqlite;
using TimeBank.Testing;

namespace TimeBank.Storage.Tests;

/// <summary>Every provider the storage contract is tested on. Each test gets a fresh, empty store.</summary>
public static class StorageProviders
{
    public static readonly TheoryData<string> All = ["memory", "sqlite", "postgres"];

    /// <param name="batchWindow">Holds each batch open this long, so writes sent together surely share one.</param>
    public static async Task<IGrainStorage> CreateAsync(string provider, TimeSpan batchWindow = default) => provider switch
    {
        "memory" => new InMemoryGrainStorage(),
        "sqlite" => await SqliteGrainStorage.OpenAsync(
            new SqliteStorageOptions { DatabasePath = NewSqlitePath(), BatchWindow = batchWindow }, cancellationToken: TestContext.Current.CancellationToken),
        "postgres" => await PostgresGrainStorage.OpenAsync(
            new PostgresStorageOptions { ConnectionString = await TestPostgres.CreateSchemaAsync(), BatchWindow = batchWindow },
            cancellationToken: TestContext.Current.CancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    public static string NewSqlitePath() => TestEnvironment.NewSqliteFile();
}
