using Npgsql;
using TimeBank.Storage.Postgres;
using TimeBank.Testing;

namespace TimeBank.Storage.Tests;

public sealed class PostgresStorageTests
{
    [Fact]
    public async Task Several_processes_starting_at_once_migrate_the_schema_once()
    {
        var connectionString = await TestPostgres.CreateSchemaAsync();
        var opening = Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => PostgresGrainStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = connectionString }, cancellationToken: TestContext.Current.CancellationToken), TestContext.Current.CancellationToken))
            .ToArray();
        foreach (var storage in await Task.WhenAll(opening))
        {
            await storage.DisposeAsync();
        }

        await (await PostgresGrainStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = connectionString }, cancellationToken: TestContext.Current.CancellationToken)).DisposeAsync();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT array_agg(version ORDER BY version) FROM schema_migrations", connection);
        var versions = (int[])(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(PostgresMigrations.All.Select(m => m.Version), versions);
    }

    [Fact]
    public async Task Commits_are_synchronous_even_when_the_server_default_is_not()
    {
        var connectionString = await TestPostgres.CreateSchemaAsync();
        var weakened = new NpgsqlConnectionStringBuilder(connectionString) { Options = "-c synchronous_commit=off" }.ConnectionString;
        await using var storage = await PostgresGrainStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = weakened }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("on", await storage.ShowSettingAsync("synchronous_commit", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_unknown_synchronous_commit_setting_is_refused()
        => await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => PostgresGrainStorage.OpenAsync(
            new PostgresStorageOptions { ConnectionString = "Host=127.0.0.1", SynchronousCommit = "maybe" }, cancellationToken: TestContext.Current.CancellationToken));

    [Fact]
    public async Task An_unreachable_server_is_reported_as_unavailable_with_where_it_looked()
    {
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => PostgresGrainStorage.OpenAsync(
            new PostgresStorageOptions { ConnectionString = "Host=127.0.0.1;Port=1;Username=nobody;Timeout=3" }, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_processes_writing_the_same_grains_never_both_win()
    {
        var connectionString = await TestPostgres.CreateSchemaAsync();
        await using var first = await PostgresGrainStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = connectionString }, cancellationToken: TestContext.Current.CancellationToken);
        await using var second = await PostgresGrainStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = connectionString }, cancellationToken: TestContext.Current.CancellationToken);

        // Each grain is written from version 0 by both at once: exactly one write per grain may land.
        var races = Enumerable.Range(0, 100).Select(async i =>
        {
            var a = Outcome(first.WriteStateAsync(new StateWrite($"volunteer/r{i}", 0, Rows.Payload("a"), [Rows.Entry(1, "from-a")]), TestContext.Current.CancellationToken));
            var b = Outcome(second.WriteStateAsync(new StateWrite($"volunteer/r{i}", 0, Rows.Payload("b"), [Rows.Entry(1, "from-b")]), TestContext.Current.CancellationToken));
            return (await a, await b);
        });

        foreach (var (a, b) in await Task.WhenAll(races))
        {
            Assert.True(a ^ b, "exactly one of the two writes wins");
        }

        for (var i = 0; i < 100; i++)
        {
            Assert.Single(await first.ReadJournalAsync($"volunteer/r{i}", 0, 10, TestContext.Current.CancellationToken));
        }
    }

    private static async Task<bool> Outcome(Task<long> write)
    {
        try
        {
            await write;
            return true;
        }
        catch (StaleStateException)
        {
            return false;
        }
    }
}
