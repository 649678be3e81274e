using Microsoft.Extensions.Logging.Abstractions;
using TimeBank.Contracts.V1;
using TimeBank.Server.Auth;
using TimeBank.Storage.InMemory;
using TimeBank.Storage.Keys;
using TimeBank.Storage.Postgres;
using TimeBank.Testing;

namespace TimeBank.Server.Tests;

/// <summary>API keys: their format, the in-memory check, revocation across processes, and the first start.</summary>
public sealed class KeyTests
{
    [Fact]
    public void A_generated_key_parses_back_and_matches_only_its_own_hash()
    {
        var token = ApiKeyToken.Generate();
        var text = token.Reveal();

        Assert.Equal(ApiKeyToken.Length, text.Length);
        Assert.True(ApiKeyToken.TryParse(text, out var parsed, out _));
        Assert.Equal(token.KeyId, parsed.KeyId);
        Assert.True(parsed.Matches(token.HashSecret()));
        Assert.False(parsed.Matches(ApiKeyToken.Generate().HashSecret()));
        Assert.DoesNotContain(text[^10..], token.ToString(), StringComparison.Ordinal); // ToString never shows the secret
        Assert.NotEqual(ApiKeyToken.Generate().KeyId, token.KeyId);
    }

    public static readonly TheoryData<string?, string> BadHeaders = new()
    {
        { null, "KEY_MISSING" },
        { "", "KEY_MISSING" },
        { "Bearer ", "KEY_MALFORMED" },
        { "Bearer", "KEY_MALFORMED" },
        { "Basic dXNlcjpwYXNz", "KEY_MALFORMED" },
        { "Bearer tbk_short", "KEY_MALFORMED" },
        { "Bearer " + new string('x', ApiKeyToken.Length), "KEY_MALFORMED" },
        { "Bearer tbk_ABCDEFGHIJKLMNOP_" + new string('A', ApiKeyToken.SecretLength), "KEY_MALFORMED" },
        { "Bearer tbk_abcdefghijklmnop_" + new string('!', ApiKeyToken.SecretLength), "KEY_MALFORMED" },
        { "Bearer " + new string('k', 10_000), "KEY_MALFORMED" },
        { "Bearer " + ApiKeyToken.Generate().Reveal(), "KEY_UNKNOWN" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public async Task A_bad_authorization_header_is_unauthenticated_with_its_reason(string? header, string reason)
    {
        await using var ring = await KeyRing.LoadAsync(new InMemoryGrainStorage(), TimeProvider.System, new KeyRingOptions(), NullLogger.Instance, TestContext.Current.CancellationToken);

        var result = ring.Authenticate(header);

        Assert.False(result.Succeeded);
        Assert.Equal(reason, result.Failure.Reason.Code);
        Assert.Equal(Rpc.StatusCode.Unauthenticated, result.Failure.Reason.Status);
        Assert.True(result.Failure.Message.Length < 300, result.Failure.Message);
    }

    [Fact]
    public async Task A_stored_key_authenticates_as_its_role_and_scope_and_a_wrong_secret_reads_as_unknown()
    {
        var store = new InMemoryGrainStorage();
        var token = ApiKeyToken.Generate();
        await store.CreateKeyAsync(Stored(token, "app", "riverside"), null, TestContext.Current.CancellationToken);
        await using var ring = await KeyRing.LoadAsync(store, TimeProvider.System, new KeyRingOptions(), NullLogger.Instance, TestContext.Current.CancellationToken);

        var caller = ring.Authenticate("bearer " + token.Reveal());
        var impostor = ring.Authenticate("Bearer " + token.Reveal()[..^4] + "AAAA");

        Assert.Equal(new Caller(token.KeyId, Role.App, "riverside", null, "test key"), caller.Value);
        Assert.Equal(ErrorReasons.KeyUnknown, impostor.Failure!.Reason);
    }

    [Fact]
    public async Task A_revocation_through_one_process_reaches_another_within_its_refresh_interval()
    {
        var connectionString = await TestPostgres.CreateSchemaAsync();
        await using var first = await PostgresGrainStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = connectionString }, cancellationToken: TestContext.Current.CancellationToken);
        await using var second = await PostgresGrainStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = connectionString }, cancellationToken: TestContext.Current.CancellationToken);
        var token = ApiKeyToken.Generate();
        await first.CreateKeyAsync(Stored(token, "app", "riverside"), null, TestContext.Current.CancellationToken);
        var interval = TimeSpan.FromMilliseconds(200);
        await using var here = await KeyRing.LoadAsync(first, TimeProvider.System, new KeyRingOptions { RefreshInterval = interval }, NullLogger.Instance, TestContext.Current.CancellationToken);
        await using var there = await KeyRing.LoadAsync(second, TimeProvider.System, new KeyRingOptions { RefreshInterval = interval }, NullLogger.Instance, TestContext.Current.CancellationToken);
        var header = "Bearer " + token.Reveal();
        Assert.True(there.Authenticate(header).Succeeded);

        here.Apply((await first.RevokeKeyAsync(token.KeyId, DateTimeOffset.UtcNow, null, TestContext.Current.CancellationToken))!);

        Assert.Equal(ErrorReasons.KeyRevoked, here.Authenticate(header).Failure?.Reason); // at once where it was revoked
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (there.Authenticate(header).Succeeded && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(ErrorReasons.KeyRevoked, there.Authenticate(header).Failure?.Reason); // and elsewhere by its next refresh
    }

    [Fact]
    public async Task The_first_start_writes_one_admin_key_readable_by_its_owner_only_and_a_restart_writes_none()
    {
        var store = new InMemoryGrainStorage();
        var folder = TestEnvironment.NewFolder();

        var path = await AdminKeyBootstrap.EnsureAsync(store, folder, null, TimeProvider.System, NullLogger.Instance, TestContext.Current.CancellationToken);
        var again = await AdminKeyBootstrap.EnsureAsync(store, folder, null, TimeProvider.System, NullLogger.Instance, TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(folder, "admin.key"), path);
        Assert.Null(again);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path!));
        }
        Assert.True(ApiKeyToken.TryParse((await File.ReadAllTextAsync(path!, TestContext.Current.CancellationToken)).Trim(), out var token, out _));
        var stored = Assert.Single(await store.ReadAllKeysAsync(TestContext.Current.CancellationToken));
        Assert.Equal((token.KeyId, "admin", ""), (stored.KeyId, stored.Role, stored.Scope));
        Assert.True(token.Matches(stored.SecretHash.Span));
        Assert.Single(Directory.GetFiles(folder)); // no temporary file left behind
    }

    [Fact]
    public async Task A_configured_admin_key_is_stored_instead_and_a_malformed_one_stops_the_start()
    {
        var store = new InMemoryGrainStorage();
        var folder = TestEnvironment.NewFolder();
        var configured = ApiKeyToken.Generate();

        var bad = await Assert.ThrowsAsync<ConfigurationProblemException>(() =>
            AdminKeyBootstrap.EnsureAsync(store, folder, "not-a-key", TimeProvider.System, NullLogger.Instance, TestContext.Current.CancellationToken));
        Assert.Contains("TimeBank:AdminKey", bad.Message, StringComparison.Ordinal);
        Assert.Null(await AdminKeyBootstrap.EnsureAsync(store, folder, configured.Reveal(), TimeProvider.System, NullLogger.Instance, TestContext.Current.CancellationToken));

        Assert.Equal(configured.KeyId, Assert.Single(await store.ReadAllKeysAsync(TestContext.Current.CancellationToken)).KeyId);
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFiles(folder).Any());
    }

    [Fact]
    public async Task Four_processes_starting_at_once_on_one_empty_postgres_store_one_admin_key()
    {
        var connectionString = await TestPostgres.CreateSchemaAsync();
        var folders = Enumerable.Range(0, 4).Select(_ => TestEnvironment.NewFolder()).ToArray();
        var storages = await Task.WhenAll(folders.Select(_ => PostgresGrainStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = connectionString }, cancellationToken: TestContext.Current.CancellationToken)));
        try
        {
            var written = await Task.WhenAll(storages.Zip(folders).Select(pair => Task.Run(() =>
                AdminKeyBootstrap.EnsureAsync(pair.First, pair.Second, null, TimeProvider.System, NullLogger.Instance, TestContext.Current.CancellationToken))));

            var stored = Assert.Single(await storages[0].ReadAllKeysAsync(TestContext.Current.CancellationToken));
            var path = Assert.Single(written, p => p is not null);
            Assert.True(ApiKeyToken.TryParse((await File.ReadAllTextAsync(path!, TestContext.Current.CancellationToken)).Trim(), out var token, out _));
            Assert.Equal(stored.KeyId, token.KeyId);
            Assert.All(folders.Where(f => !path!.StartsWith(f, StringComparison.Ordinal)), f => Assert.False(Directory.Exists(f) && Directory.EnumerateFiles(f).Any()));
        }
        finally
        {
            foreach (var storage in storages)
            {
                await storage.DisposeAsync();
            }
        }
    }

    private static StoredApiKey Stored(ApiKeyToken token, string role, string scope)
        => new(token.KeyId, token.HashSecret(), role, scope, "", "test key", DateTimeOffset.UtcNow, "test", null, null);
}
