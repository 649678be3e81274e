using Microsoft.Data.Sqlite;
using TimeBank.Storage.Sqlite;

namespace TimeBank.Storage.Tests;

public sealed class SqliteStorageTests
{
    [Fact]
    public async Task The_schema_is_migrated_once_and_recorded()
    {
        var path = StorageProviders.NewSqlitePath();
        await (await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = path }, cancellationToken: TestContext.Current.CancellationToken)).DisposeAsync();
        await (await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = path }, cancellationToken: TestContext.Current.CancellationToken)).DisposeAsync();

        Assert.Equal(SqliteMigrations.All.Select(m => (long)m.Version), await QueryAsync(path, "SELECT version FROM schema_migrations ORDER BY version"));
    }

    [Fact]
    public async Task Two_instances_opening_a_new_file_at_once_both_succeed_and_migrate_once()
    {
        var path = StorageProviders.NewSqlitePath();
        var opening = Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = path }, cancellationToken: TestContext.Current.CancellationToken), TestContext.Current.CancellationToken))
            .ToArray();
        foreach (var storage in await Task.WhenAll(opening))
        {
            await storage.DisposeAsync();
        }

        Assert.Equal(SqliteMigrations.All.Select(m => (long)m.Version), await QueryAsync(path, "SELECT version FROM schema_migrations ORDER BY version"));
    }

    [Fact]
    public async Task The_file_is_in_wal_mode()
    {
        var path = StorageProviders.NewSqlitePath();
        await using var storage = await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = path }, cancellationToken: TestContext.Current.CancellationToken);
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_background_checkpoint_copies_committed_pages_into_the_database_file_without_the_writer(bool background)
    {
        // 300 writes of 8 KiB state land in the WAL (2.4 MB); the writer's own checkpoint only starts at
        // 32,000 WAL pages, so only the background one can move them into the database file.
        var path = StorageProviders.NewSqlitePath();
        var options = new SqliteStorageOptions
        {
            DatabasePath = path,
            CheckpointInterval = background ? TimeSpan.FromMilliseconds(50) : TimeSpan.Zero,
        };
        await using var storage = await SqliteGrainStorage.OpenAsync(options, cancellationToken: TestContext.Current.CancellationToken);
        var payload = new byte[8 * 1024];
        Random.Shared.NextBytes(payload);
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => storage.WriteStateAsync(new StateWrite($"volunteer/{i}", 0, payload, StateWrite.NoJournal), TestContext.Current.CancellationToken)));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(background ? 20 : 2);
        while (new FileInfo(path).Length < 2_400_000 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(background, new FileInfo(path).Length >= 2_400_000);
    }

    [Fact]
    public async Task What_was_acknowledged_is_there_after_the_store_is_closed_and_reopened()
    {
        var path = StorageProviders.NewSqlitePath();
        await using (var storage = await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = path }, cancellationToken: TestContext.Current.CancellationToken))
        {
            await storage.WriteStateAsync(new StateWrite("volunteer/a", 0, Rows.Payload("kept"), [Rows.Entry(1, "r1")]), TestContext.Current.CancellationToken);
        }

        await using var reopened = await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = path }, cancellationToken: TestContext.Current.CancellationToken);
        var stored = await reopened.ReadStateAsync("volunteer/a", TestContext.Current.CancellationToken);
        Assert.Equal("kept", System.Text.Encoding.UTF8.GetString(stored!.Payload.Span));
        Assert.Single(await reopened.FindJournalByRequestAsync("volunteer/a", "r1", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Journal_rows_lie_in_commit_order_and_a_grains_rows_are_read_in_sequence_through_its_index()
    {
        // Rows go onto the table's last pages (a batch appends in one place, not one place per grain), and the
        // (grain, sequence) index keeps a grain's rows together for reading and unique.
        var path = StorageProviders.NewSqlitePath();
        await using var storage = await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = path }, cancellationToken: TestContext.Current.CancellationToken);
        var cancel = TestContext.Current.CancellationToken;
        await storage.WriteStateAsync(new StateWrite("volunteer/z", 0, Rows.Payload("z1"), [Rows.Entry(1, "z1"), Rows.Entry(2, "z1", leg: 1)]), cancel);
        await storage.WriteStateAsync(new StateWrite("volunteer/a", 0, Rows.Payload("a1"), [Rows.Entry(1, "a1")]), cancel);
        await storage.WriteStateAsync(new StateWrite("volunteer/z", 1, Rows.Payload("z2"), [Rows.Entry(3, "z2")]), cancel);

        Assert.Equal([1, 2, 1, 3], await QueryAsync(path, "SELECT sequence FROM journal ORDER BY rowid"));
        Assert.Equal([1, 2, 3], (await storage.ReadJournalAsync("volunteer/z", 0, 10, cancel)).Select(r => r.Sequence));
        await Assert.ThrowsAsync<StaleStateException>(() => storage.WriteStateAsync(new StateWrite("volunteer/a", 1, Rows.Payload("a2"), [Rows.Entry(1, "a2")]), cancel));
        Assert.Equal([1], await QueryAsync(path, "SELECT count(*) FROM journal WHERE grain_id = 'volunteer/a'"));
    }

    [Fact]
    public async Task A_write_after_disposal_fails_as_unavailable()
    {
        var storage = await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = StorageProviders.NewSqlitePath() }, cancellationToken: TestContext.Current.CancellationToken);
        await storage.DisposeAsync();
        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteStateAsync(new StateWrite("volunteer/a", 0, Rows.Payload("x"), StateWrite.NoJournal), TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("OFF")]
    [InlineData("full; DROP TABLE x")]
    public async Task An_unsafe_or_unknown_synchronous_setting_is_refused(string synchronous)
        => await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SqliteGrainStorage.OpenAsync(
            new SqliteStorageOptions { DatabasePath = StorageProviders.NewSqlitePath(), Synchronous = synchronous }, cancellationToken: TestContext.Current.CancellationToken));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task A_writer_cache_below_one_KiB_is_refused(int kib)
        => await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SqliteGrainStorage.OpenAsync(
            new SqliteStorageOptions { DatabasePath = StorageProviders.NewSqlitePath(), WriterCacheKib = kib }, cancellationToken: TestContext.Current.CancellationToken));

    private static async Task<List<long>> QueryAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            values.Add(reader.GetInt64(0));
        }

        return values;
    }
}
