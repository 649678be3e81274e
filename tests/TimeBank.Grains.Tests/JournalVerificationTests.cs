using TimeBank.Grains.Volunteers;
using TimeBank.Storage;

namespace TimeBank.Grains.Tests;

/// <summary>
/// The journal's tamper evidence: an untouched journal verifies, and a row changed, removed or added
/// directly in the database (as someone with database access could) is named by the verification.
/// </summary>
public sealed class JournalVerificationTests
{
    public static readonly TheoryData<string> Databases = ["sqlite", "postgres"];

    private static async Task DepositAsync(GrainTestHost test, int volunteers, int depositsEach)
    {
        for (var v = 0; v < volunteers; v++)
        {
            var grain = test.Host.GetGrain<IVolunteerGrain>($"v{v}");
            await grain.RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), $"Volunteer {v}", "riverside"));
            for (var d = 0; d < depositsEach; d++)
            {
                Assert.True((await grain.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "act", 30 + d))).Succeeded);
            }
        }
    }

    private static async Task<JournalVerification> VerifyAsync(IGrainStorage storage, int pageSize = 3, string prefix = "")
    {
        JournalVerification? last = null;
        await foreach (var progress in new JournalVerifier(storage).VerifyAsync(prefix, pageSize: pageSize, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Null(last); // nothing after the final report
            if (progress.Done)
            {
                last = progress;
            }
        }

        return last ?? throw new InvalidOperationException("No final report.");
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task An_untouched_journal_verifies_page_by_page_and_after_a_restart(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        await DepositAsync(test, volunteers: 4, depositsEach: 3); // 2 rows per deposit: 24 rows in 4 chains

        var verified = await VerifyAsync(test.Storage);
        Assert.Null(verified.FirstBroken);
        Assert.Equal(24, verified.RowsChecked);
        Assert.Equal(4, verified.ChainsChecked);

        await test.RestartAsync();
        await DepositAsync(test, volunteers: 4, depositsEach: 1); // chains continue from the stored head
        verified = await VerifyAsync(test.Storage, pageSize: 1000);
        Assert.Null(verified.FirstBroken);
        Assert.Equal(32, verified.RowsChecked);

        var one = await VerifyAsync(test.Storage, prefix: "volunteer/v2");
        Assert.Equal((8L, 1L), (one.RowsChecked, one.ChainsChecked));
    }

    public static readonly TheoryData<string, string, string, long, string> Tampering = Cases();

    private static TheoryData<string, string, string, long, string> Cases()
    {
        var data = new TheoryData<string, string, string, long, string>();
        foreach (var database in new[] { "sqlite", "postgres" })
        {
            data.Add(database, "an amount changed", "UPDATE journal SET amount = amount + 60 WHERE grain_id = 'volunteer/v1' AND sequence = 3", 3, "does not hash");
            data.Add(database, "a reference changed", "UPDATE journal SET reference = 'other' WHERE grain_id = 'volunteer/v1' AND sequence = 5", 5, "does not hash");
            data.Add(database, "a stored hash changed", "UPDATE journal SET chain_hash = (SELECT chain_hash FROM journal WHERE grain_id = 'volunteer/v0' AND sequence = 4) WHERE grain_id = 'volunteer/v1' AND sequence = 4", 4, "does not hash");
            data.Add(database, "a row removed", "DELETE FROM journal WHERE grain_id = 'volunteer/v1' AND sequence = 2", 3, "row 2 is missing");
            data.Add(database, "the last rows removed", "DELETE FROM journal WHERE grain_id = 'volunteer/v1' AND sequence > 4", 5, "rows were removed");
            data.Add(database, "a row added", """
                INSERT INTO journal (grain_id, sequence, request_id, leg, ledger, debit_account, credit_account, amount, code, reference, balance_after, recorded_at, request_hash, actor_key_id, kind, pending_id, timeout_at, category, memo, policy_version, chain_hash)
                SELECT grain_id, sequence + 1, request_id || '-x', leg, ledger, debit_account, credit_account, 600, code, reference, balance_after + 600, recorded_at, request_hash, actor_key_id, kind, pending_id, timeout_at, category, memo, policy_version, chain_hash
                  FROM journal WHERE grain_id = 'volunteer/v1' AND sequence = 6
                """, 7, "beyond the last row");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task A_row_changed_removed_or_added_in_the_database_is_named(string database, string what, string sql, long brokenSequence, string problem)
    {
        await using var test = await GrainTestHost.StartAsync(database);
        await DepositAsync(test, volunteers: 3, depositsEach: 3); // volunteer/v1 has rows 1..6
        Assert.Null((await VerifyAsync(test.Storage)).FirstBroken);

        Assert.True(await test.ExecuteSqlAsync(sql) >= 1, what);

        var verified = await VerifyAsync(test.Storage);
        Assert.NotNull(verified.FirstBroken);
        Assert.Equal("volunteer/v1", verified.FirstBroken.GrainId);
        Assert.Equal(brokenSequence, verified.FirstBroken.Sequence);
        Assert.Contains(problem, verified.FirstBroken.Problem, StringComparison.Ordinal);
    }
}

/// <summary>A database written before the journal was chained (schema version 3) is upgraded in place.</summary>
public sealed class JournalChainUpgradeTests
{
    // Schema version 3 as it was released, with one volunteer who deposited 60 minutes (and 10 points) once.
    private const string SqliteVersion3 = """
        CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
        INSERT INTO schema_migrations VALUES (1, 'grain state and journal', '2026-11-20'), (2, 'request ids per caller key; who acted', '2026-11-24'), (3, 'api keys', '2026-11-24');
        CREATE TABLE grain_state (grain_id TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL, payload BLOB NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE journal (grain_id TEXT NOT NULL, sequence INTEGER NOT NULL, request_id TEXT NOT NULL, leg INTEGER NOT NULL, ledger INTEGER NOT NULL,
            debit_account TEXT NOT NULL, credit_account TEXT NOT NULL, amount INTEGER NOT NULL CHECK (amount > 0), code INTEGER NOT NULL, reference TEXT NOT NULL,
            balance_after INTEGER NOT NULL, recorded_at INTEGER NOT NULL, request_hash BLOB NOT NULL, actor_key_id TEXT NOT NULL DEFAULT '', PRIMARY KEY (grain_id, sequence)) WITHOUT ROWID;
        CREATE TABLE requests (caller_key_id TEXT NOT NULL, request_id TEXT NOT NULL, operation TEXT NOT NULL, target TEXT NOT NULL, fingerprint BLOB NOT NULL,
            result BLOB NOT NULL, recorded_at INTEGER NOT NULL, PRIMARY KEY (caller_key_id, request_id)) WITHOUT ROWID;
        CREATE TABLE api_keys (key_id TEXT NOT NULL PRIMARY KEY, secret_hash BLOB NOT NULL, role TEXT NOT NULL, scope TEXT NOT NULL, member TEXT NOT NULL,
            display_name TEXT NOT NULL, created_at INTEGER NOT NULL, created_by TEXT NOT NULL, revoked_at INTEGER NULL, last_used_at INTEGER NULL) WITHOUT ROWID;
        INSERT INTO grain_state VALUES ('volunteer/ana', 2,
            CAST('{"displayName":"Ana","communityId":"riverside","registeredAt":"2026-11-24T09:00:00+00:00","hours":{"debitsPosted":0,"creditsPosted":60,"debitsPending":0,"creditsPending":0},"points":{"debitsPosted":0,"creditsPosted":10,"debitsPending":0,"creditsPending":0},"journalSequence":2}' AS BLOB), 0);
        INSERT INTO journal VALUES
            ('volunteer/ana', 1, 'old-1', 0, 1, 'community/riverside/hours-issued', 'volunteer/ana/hours', 60, 1, 'act', 60, 1763974800000000, x'01', 'old-key'),
            ('volunteer/ana', 2, 'old-1', 1, 2, 'community/riverside/points-issued', 'volunteer/ana/points', 10, 1, 'act', 10, 1763974800000000, x'01', 'old-key');
        """;

    private const string PostgresVersion3 = """
        CREATE TABLE schema_migrations (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
        INSERT INTO schema_migrations (version, name) VALUES (1, 'grain state and journal'), (2, 'request ids per caller key; who acted'), (3, 'api keys');
        CREATE TABLE grain_state (grain_id text NOT NULL PRIMARY KEY, version bigint NOT NULL, payload bytea NOT NULL, updated_at timestamptz NOT NULL);
        CREATE TABLE journal (grain_id text NOT NULL, sequence bigint NOT NULL, request_id text NOT NULL, leg integer NOT NULL, ledger integer NOT NULL,
            debit_account text NOT NULL, credit_account text NOT NULL, amount bigint NOT NULL CHECK (amount > 0), code integer NOT NULL, reference text NOT NULL,
            balance_after bigint NOT NULL, recorded_at timestamptz NOT NULL, request_hash bytea NOT NULL, actor_key_id text NOT NULL DEFAULT '', PRIMARY KEY (grain_id, sequence));
        CREATE TABLE requests (caller_key_id text NOT NULL, request_id text NOT NULL, operation text NOT NULL, target text NOT NULL, fingerprint bytea NOT NULL,
            result bytea NOT NULL, recorded_at timestamptz NOT NULL, PRIMARY KEY (caller_key_id, request_id));
        CREATE TABLE api_keys (key_id text NOT NULL PRIMARY KEY, secret_hash bytea NOT NULL, role text NOT NULL, scope text NOT NULL, member text NOT NULL,
            display_name text NOT NULL, created_at timestamptz NOT NULL, created_by text NOT NULL, revoked_at timestamptz NULL, last_used_at timestamptz NULL);
        INSERT INTO grain_state VALUES ('volunteer/ana', 2,
            convert_to('{"displayName":"Ana","communityId":"riverside","registeredAt":"2026-11-24T09:00:00+00:00","hours":{"debitsPosted":0,"creditsPosted":60,"debitsPending":0,"creditsPending":0},"points":{"debitsPosted":0,"creditsPosted":10,"debitsPending":0,"creditsPending":0},"journalSequence":2}', 'UTF8'), now());
        INSERT INTO journal VALUES
            ('volunteer/ana', 1, 'old-1', 0, 1, 'community/riverside/hours-issued', 'volunteer/ana/hours', 60, 1, 'act', 60, '2026-11-24T09:00:00Z', '\x01', 'old-key'),
            ('volunteer/ana', 2, 'old-1', 1, 2, 'community/riverside/points-issued', 'volunteer/ana/points', 10, 1, 'act', 10, '2026-11-24T09:00:00Z', '\x01', 'old-key');
        """;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Rows_written_before_the_chain_get_their_hashes_and_new_rows_continue_the_chain(string database)
    {
        await using var test = await GrainTestHost.StartAsync(database, prepare: database == "sqlite" ? SqliteVersion3 : PostgresVersion3);

        var upgraded = await test.Storage.ReadJournalAsync("volunteer/ana", 0, 10, TestContext.Current.CancellationToken);
        Assert.Equal(2, upgraded.Count);
        Assert.All(upgraded, row => Assert.Equal(JournalChain.HashLength, row.ChainHash.Length));
        Assert.Equal(JournalChain.Next(JournalChain.Genesis.Span, "volunteer/ana", upgraded[0]), upgraded[0].ChainHash.ToArray());
        Assert.Null((await Verify(test.Storage)).FirstBroken);

        // The old state has no chain head: the grain reads it from its last row and goes on from there.
        var ana = test.Host.GetGrain<IVolunteerGrain>("ana");
        Assert.True((await ana.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "act", 30))).Succeeded);
        Assert.Equal(90, (await ana.GetBalanceAsync()).Value!.HoursMinutes);
        var verified = await Verify(test.Storage);
        Assert.Null(verified.FirstBroken);
        Assert.Equal(4, verified.RowsChecked);

        // And the upgraded rows are as tamper-evident as new ones.
        await test.ExecuteSqlAsync("UPDATE journal SET amount = 600 WHERE grain_id = 'volunteer/ana' AND sequence = 1");
        Assert.Equal(1, (await Verify(test.Storage)).FirstBroken?.Sequence);
    }

    private static async Task<JournalVerification> Verify(IGrainStorage storage)
    {
        JournalVerification? last = null;
        await foreach (var progress in new JournalVerifier(storage).VerifyAsync(cancellationToken: TestContext.Current.CancellationToken))
        {
            last = progress;
        }

        return last!;
    }
}
