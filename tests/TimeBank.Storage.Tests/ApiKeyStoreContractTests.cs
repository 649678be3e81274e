using TimeBank.Storage.InMemory;
using TimeBank.Storage.Keys;
using TimeBank.Storage.Postgres;
using TimeBank.Storage.Sqlite;
using TimeBank.Testing;

namespace TimeBank.Storage.Tests;

/// <summary>What every provider promises about API keys: stored once, revoked once, with the caller's request record.</summary>
public abstract class ApiKeyStoreContractTests
{
    private static readonly DateTimeOffset Created = UnixMicroseconds.Truncate(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero).AddTicks(4321));

    protected abstract Task<IGrainStorage> CreateStorageAsync();

    [Fact]
    public async Task A_key_is_stored_once_with_its_request_record()
    {
        await using var storage = await CreateStorageAsync();
        var keys = (IApiKeyStore)storage;
        var key = Key("k1");

        await keys.CreateKeyAsync(key, Rows.Request("admin", "create-1", "keys"), TestContext.Current.CancellationToken);

        var stored = Assert.Single(await keys.ReadAllKeysAsync(TestContext.Current.CancellationToken));
        Assert.Equal(key with { SecretHash = default }, stored with { SecretHash = default });
        Assert.Equal(key.SecretHash.ToArray(), stored.SecretHash.ToArray());
        Assert.NotNull(await storage.FindRequestAsync("admin", "create-1", TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<StaleStateException>(() => keys.CreateKeyAsync(Key("k1"), null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_request_id_already_recorded_stores_no_key()
    {
        await using var storage = await CreateStorageAsync();
        var keys = (IApiKeyStore)storage;
        await keys.CreateKeyAsync(Key("k1"), Rows.Request("admin", "r1", "keys"), TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<DuplicateRequestException>(() => keys.CreateKeyAsync(Key("k2"), Rows.Request("admin", "r1", "keys"), TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<DuplicateRequestException>(() => keys.RevokeKeyAsync("k1", Created, Rows.Request("admin", "r1", "key/k1"), TestContext.Current.CancellationToken));

        var stored = Assert.Single(await keys.ReadAllKeysAsync(TestContext.Current.CancellationToken));
        Assert.Null(stored.RevokedAt);
    }

    [Fact]
    public async Task A_revocation_keeps_its_first_time_and_an_unknown_key_is_null()
    {
        await using var storage = await CreateStorageAsync();
        var keys = (IApiKeyStore)storage;
        await keys.CreateKeyAsync(Key("k1"), null, TestContext.Current.CancellationToken);

        var first = await keys.RevokeKeyAsync("k1", Created.AddHours(1), Rows.Request("admin", "revoke-1", "key/k1"), TestContext.Current.CancellationToken);
        var again = await keys.RevokeKeyAsync("k1", Created.AddHours(2), null, TestContext.Current.CancellationToken);

        Assert.Equal(Created.AddHours(1), first!.RevokedAt);
        Assert.Equal(Created.AddHours(1), again!.RevokedAt);
        Assert.Null(await keys.RevokeKeyAsync("nobody", Created, Rows.Request("admin", "revoke-2", "key/nobody"), TestContext.Current.CancellationToken));
        Assert.Null(await storage.FindRequestAsync("admin", "revoke-2", TestContext.Current.CancellationToken)); // nothing happened, nothing recorded
    }

    [Fact]
    public async Task Last_use_is_recorded_in_one_write_and_never_goes_back()
    {
        await using var storage = await CreateStorageAsync();
        var keys = (IApiKeyStore)storage;
        await keys.CreateKeyAsync(Key("k1"), null, TestContext.Current.CancellationToken);
        await keys.CreateKeyAsync(Key("k2"), null, TestContext.Current.CancellationToken);

        await keys.RecordKeyUseAsync([new("k1", Created.AddMinutes(5)), new("k2", Created.AddMinutes(7)), new("gone", Created)], TestContext.Current.CancellationToken);
        await keys.RecordKeyUseAsync([new("k1", Created.AddMinutes(1))], TestContext.Current.CancellationToken);

        var stored = (await keys.ReadAllKeysAsync(TestContext.Current.CancellationToken)).ToDictionary(k => k.KeyId);
        Assert.Equal(Created.AddMinutes(5), stored["k1"].LastUsedAt);
        Assert.Equal(Created.AddMinutes(7), stored["k2"].LastUsedAt);
    }

    private static StoredApiKey Key(string id) => new(id, new byte[] { 9, 8, 7 }, "app", "riverside", "", $"Key {id}", Created, "admin", null, null);
}

public sealed class InMemoryApiKeyStoreContractTests : ApiKeyStoreContractTests
{
    protected override Task<IGrainStorage> CreateStorageAsync() => Task.FromResult<IGrainStorage>(new InMemoryGrainStorage());
}

public sealed class SqliteApiKeyStoreContractTests : ApiKeyStoreContractTests
{
    protected override async Task<IGrainStorage> CreateStorageAsync()
        => await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = StorageProviders.NewSqlitePath() }, cancellationToken: TestContext.Current.CancellationToken);
}

public sealed class PostgresApiKeyStoreContractTests : ApiKeyStoreContractTests
{
    protected override async Task<IGrainStorage> CreateStorageAsync()
        => await PostgresGrainStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = await TestPostgres.CreateSchemaAsync() }, cancellationToken: TestContext.Current.CancellationToken);
}
