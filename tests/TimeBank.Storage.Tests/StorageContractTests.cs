namespace TimeBank.Storage.Tests;

/// <summary>
/// The provider test kit: what every provider promises (versions, atomic state + journal, the journal's
/// keys, batches where one write fails alone). Each provider's tests inherit it and say only how to open a
/// fresh, empty store, as Orleans' persistence test kit does; a new provider gets the whole suite for free.
/// </summary>
public abstract class StorageContractTests
{
    /// <summary>A fresh, empty store.</summary>
    /// <param name="batchWindow">Holds each batch open this long, so writes sent together surely share one.</param>
    protected abstract Task<IGrainStorage> CreateStorageAsync(TimeSpan batchWindow = default);

    [Fact]
    public async Task A_state_is_absent_until_written_then_versioned_from_one()
    {
        await using var storage = await CreateStorageAsync();
        Assert.Null(await storage.ReadStateAsync("volunteer/a", TestContext.Current.CancellationToken));

        Assert.Equal(1, await storage.WriteStateAsync(new StateWrite("volunteer/a", 0, Rows.Payload("one"), StateWrite.NoJournal), TestContext.Current.CancellationToken));
        Assert.Equal(2, await storage.WriteStateAsync(new StateWrite("volunteer/a", 1, Rows.Payload("two"), StateWrite.NoJournal), TestContext.Current.CancellationToken));

        var stored = await storage.ReadStateAsync("volunteer/a", TestContext.Current.CancellationToken);
        Assert.NotNull(stored);
        Assert.Equal(2, stored.Version);
        Assert.Equal("two", System.Text.Encoding.UTF8.GetString(stored.Payload.Span));
    }

    [Fact]
    public async Task A_write_naming_a_stale_version_is_refused_and_changes_nothing()
    {
        await using var storage = await CreateStorageAsync();
        await storage.WriteStateAsync(new StateWrite("volunteer/a", 0, Rows.Payload("one"), [Rows.Entry(1, "r1")]), TestContext.Current.CancellationToken);

        // A second "first write" (another process that also saw nothing) and a write from an old version.
        await Assert.ThrowsAsync<StaleStateException>(() => storage.WriteStateAsync(
            new StateWrite("volunteer/a", 0, Rows.Payload("rival"), [Rows.Entry(2, "r2")]), TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<StaleStateException>(() => storage.WriteStateAsync(
            new StateWrite("volunteer/a", 5, Rows.Payload("future"), [Rows.Entry(2, "r3")]), TestContext.Current.CancellationToken));

        var stored = await storage.ReadStateAsync("volunteer/a", TestContext.Current.CancellationToken);
        Assert.Equal(1, stored!.Version);
        Assert.Equal("one", System.Text.Encoding.UTF8.GetString(stored.Payload.Span));
        var journal = await storage.ReadJournalAsync("volunteer/a", 0, 100, TestContext.Current.CancellationToken);
        Assert.Equal(["r1"], journal.Select(e => e.RequestId));
    }

    [Fact]
    public async Task A_repeated_journal_key_fails_the_whole_write_including_its_state()
    {
        await using var storage = await CreateStorageAsync();
        await storage.WriteStateAsync(new StateWrite("volunteer/a", 0, Rows.Payload("one"), [Rows.Entry(1, "r1")]), TestContext.Current.CancellationToken);

        // Right version, but the journal already holds sequence 1: nothing of the write may land, not even
        // its first, new row. (A repeated request id is refused by the request record instead: see below.)
        await Assert.ThrowsAsync<StaleStateException>(() => storage.WriteStateAsync(
            new StateWrite("volunteer/a", 1, Rows.Payload("two"), [Rows.Entry(2, "r2"), Rows.Entry(1, "r3")]), TestContext.Current.CancellationToken));

        var stored = await storage.ReadStateAsync("volunteer/a", TestContext.Current.CancellationToken);
        Assert.Equal(1, stored!.Version);
        Assert.Single(await storage.ReadJournalAsync("volunteer/a", 0, 100, TestContext.Current.CancellationToken));
        Assert.Empty(await storage.FindJournalByRequestAsync("volunteer/a", "r2", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_repeated_journal_key_in_a_shared_batch_fails_that_write_alone()
    {
        await using var storage = await CreateStorageAsync(batchWindow: TimeSpan.FromMilliseconds(300));
        await storage.WriteStateAsync(new StateWrite("volunteer/a", 0, Rows.Payload("one"), [Rows.Entry(1, "r1")]), TestContext.Current.CancellationToken);

        // Sent together so they share a batch: writes before and after one whose state version is right but whose
        // second journal row repeats a stored key (found only while writing it, after its state row and first row).
        var before = Enumerable.Range(0, 50)
            .Select(i => storage.WriteStateAsync(
                new StateWrite($"volunteer/b{i}", 0, Rows.Payload($"{i}"), [Rows.Entry(1, $"b{i}")]) { Request = Rows.Request("key-a", $"b{i}", $"volunteer/b{i}") },
                TestContext.Current.CancellationToken))
            .ToList();
        var bad = storage.WriteStateAsync(
            new StateWrite("volunteer/a", 1, Rows.Payload("two"), [Rows.Entry(2, "r2"), Rows.Entry(1, "r3")]) { Request = Rows.Request("key-a", "r2", "volunteer/a") },
            TestContext.Current.CancellationToken);
        var after = Enumerable.Range(0, 50)
            .Select(i => storage.WriteStateAsync(new StateWrite($"volunteer/c{i}", 0, Rows.Payload($"{i}"), [Rows.Entry(1, $"c{i}")]), TestContext.Current.CancellationToken))
            .ToList();

        await Assert.ThrowsAsync<StaleStateException>(() => bad);
        Assert.All(await Task.WhenAll(before.Concat(after)), version => Assert.Equal(1, version));
        Assert.Equal(1, (await storage.ReadStateAsync("volunteer/a", TestContext.Current.CancellationToken))!.Version);
        Assert.Single(await storage.ReadJournalAsync("volunteer/a", 0, 100, TestContext.Current.CancellationToken));
        Assert.Null(await storage.FindRequestAsync("key-a", "r2", TestContext.Current.CancellationToken));
        Assert.NotNull(await storage.FindRequestAsync("key-a", "b49", TestContext.Current.CancellationToken));
        Assert.Single(await storage.FindJournalByRequestAsync("volunteer/c49", "c49", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Journal_rows_round_trip_exactly_and_are_found_by_request_and_paged_in_order()
    {
        await using var storage = await CreateStorageAsync();
        var written = new List<JournalEntry>();
        for (var i = 1; i <= 10; i++)
        {
            var rows = new[] { Rows.Entry((2 * i) - 1, $"r{i}", leg: 0), Rows.Entry(2 * i, $"r{i}", leg: 1, amount: 10) };
            written.AddRange(rows);
            await storage.WriteStateAsync(new StateWrite("volunteer/v", i - 1, Rows.Payload($"s{i}"), rows), TestContext.Current.CancellationToken);
        }

        var found = await storage.FindJournalByRequestAsync("volunteer/v", "r7", TestContext.Current.CancellationToken);
        Assert.Equal([0, 1], found.Select(e => e.Leg));
        AssertSame(written[12], found[0]);
        AssertSame(written[13], found[1]);
        Assert.Empty(await storage.FindJournalByRequestAsync("volunteer/v", "r99", TestContext.Current.CancellationToken));
        Assert.Empty(await storage.FindJournalByRequestAsync("volunteer/other", "r7", TestContext.Current.CancellationToken));

        var page1 = await storage.ReadJournalAsync("volunteer/v", 0, 8, TestContext.Current.CancellationToken);
        var page2 = await storage.ReadJournalAsync("volunteer/v", page1[^1].Sequence, 8, TestContext.Current.CancellationToken);
        var page3 = await storage.ReadJournalAsync("volunteer/v", page2[^1].Sequence, 8, TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), page1.Concat(page2).Concat(page3).Select(e => e.Sequence));
        Assert.Equal(4, page3.Count);
    }

    [Fact]
    public async Task Reminders_are_stored_with_the_state_and_found_when_due_earliest_first_until_a_write_clears_them()
    {
        await using var storage = await CreateStorageAsync();
        var noon = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        await storage.WriteStateAsync(new StateWrite("alarm/late", 0, Rows.Payload("l"), StateWrite.NoJournal) { Reminders = Rows.Payload("[late]"), NextReminderAt = noon.AddHours(2) }, TestContext.Current.CancellationToken);
        await storage.WriteStateAsync(new StateWrite("alarm/early", 0, Rows.Payload("e"), StateWrite.NoJournal) { Reminders = Rows.Payload("[early]"), NextReminderAt = noon }, TestContext.Current.CancellationToken);
        await storage.WriteStateAsync(new StateWrite("alarm/none", 0, Rows.Payload("n"), StateWrite.NoJournal), TestContext.Current.CancellationToken);

        Assert.Empty(await storage.ReadDueRemindersAsync(noon.AddTicks(-10), 10, TestContext.Current.CancellationToken));
        Assert.Equal([new DueReminder("alarm/early", noon)], await storage.ReadDueRemindersAsync(noon, 10, TestContext.Current.CancellationToken));
        Assert.Equal(["alarm/early", "alarm/late"], (await storage.ReadDueRemindersAsync(noon.AddDays(1), 10, TestContext.Current.CancellationToken)).Select(r => r.GrainId));
        Assert.Single(await storage.ReadDueRemindersAsync(noon.AddDays(1), 1, TestContext.Current.CancellationToken));
        Assert.Equal("[early]", System.Text.Encoding.UTF8.GetString((await storage.ReadStateAsync("alarm/early", TestContext.Current.CancellationToken))!.Reminders.Span));
        Assert.True((await storage.ReadStateAsync("alarm/none", TestContext.Current.CancellationToken))!.Reminders.IsEmpty);

        await storage.WriteStateAsync(new StateWrite("alarm/early", 1, Rows.Payload("e2"), StateWrite.NoJournal), TestContext.Current.CancellationToken);
        Assert.Equal(["alarm/late"], (await storage.ReadDueRemindersAsync(noon.AddDays(1), 10, TestContext.Current.CancellationToken)).Select(r => r.GrainId));
        Assert.True((await storage.ReadStateAsync("alarm/early", TestContext.Current.CancellationToken))!.Reminders.IsEmpty);
    }

    [Fact]
    public async Task One_batch_may_mix_grains_with_and_without_reminders_in_any_order()
    {
        // Found by the bank test: PostgreSQL took a batch's reminder times for timestamps without a time zone
        // when its first grain had none, and refused the whole batch.
        await using var storage = await CreateStorageAsync(batchWindow: TimeSpan.FromMilliseconds(300));
        var noon = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        StateWrite Write(int i, long version) => new($"mixed/{i}", version, Rows.Payload($"p{i}"), StateWrite.NoJournal)
        {
            Reminders = i % 2 == 1 ? Rows.Payload("[r]") : ReadOnlyMemory<byte>.Empty,
            NextReminderAt = i % 2 == 1 ? noon.AddMinutes(i) : null,
        };

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => storage.WriteStateAsync(Write(i, 0), TestContext.Current.CancellationToken))); // inserts
        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => storage.WriteStateAsync(Write(i, 1), TestContext.Current.CancellationToken))); // updates

        Assert.Equal(["mixed/1", "mixed/3", "mixed/5"], (await storage.ReadDueRemindersAsync(noon.AddDays(1), 10, TestContext.Current.CancellationToken)).Select(r => r.GrainId));
    }

    [Fact]
    public async Task Concurrent_writes_to_many_grains_all_commit_and_one_stale_write_fails_alone()
    {
        await using var storage = await CreateStorageAsync(batchWindow: TimeSpan.FromMilliseconds(300));
        await storage.WriteStateAsync(new StateWrite("volunteer/stale", 0, Rows.Payload("x"), StateWrite.NoJournal), TestContext.Current.CancellationToken);

        // 500 grains written at once land in shared batches; the one stale write among them must not sink them.
        var writes = Enumerable.Range(0, 500)
            .Select(i => storage.WriteStateAsync(new StateWrite($"volunteer/g{i}", 0, Rows.Payload($"{i}"), [Rows.Entry(1, $"r{i}")]), TestContext.Current.CancellationToken))
            .ToList();
        var stale = storage.WriteStateAsync(new StateWrite("volunteer/stale", 0, Rows.Payload("y"), StateWrite.NoJournal), TestContext.Current.CancellationToken);

        Assert.All(await Task.WhenAll(writes), version => Assert.Equal(1, version));
        await Assert.ThrowsAsync<StaleStateException>(() => stale);
        for (var i = 0; i < 500; i += 50)
        {
            Assert.Equal($"{i}", System.Text.Encoding.UTF8.GetString((await storage.ReadStateAsync($"volunteer/g{i}", TestContext.Current.CancellationToken))!.Payload.Span));
            Assert.Single(await storage.FindJournalByRequestAsync($"volunteer/g{i}", $"r{i}", TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task A_write_with_a_bad_row_fails_alone_and_the_writes_batched_with_it_commit()
    {
        await using var storage = await CreateStorageAsync(batchWindow: TimeSpan.FromMilliseconds(300));
        await storage.WriteStateAsync(new StateWrite("volunteer/existing", 0, Rows.Payload("x"), StateWrite.NoJournal), TestContext.Current.CancellationToken);

        // Sent together so they share batches: new rows, updates, and one row the database must refuse.
        var good = Enumerable.Range(0, 200)
            .Select(i => storage.WriteStateAsync(new StateWrite($"volunteer/g{i}", 0, Rows.Payload($"{i}"), [Rows.Entry(1, $"r{i}")]), TestContext.Current.CancellationToken))
            .Append(storage.WriteStateAsync(new StateWrite("volunteer/existing", 1, Rows.Payload("y"), [Rows.Entry(1, "r-existing")]), TestContext.Current.CancellationToken))
            .ToList();
        var bad = storage.WriteStateAsync(new StateWrite("volunteer/bad", 0, Rows.Payload("bad"), [Rows.Entry(1, "r-bad", amount: 0)]), TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<StorageRejectedException>(() => bad);
        Assert.All(await Task.WhenAll(good), version => Assert.InRange(version, 1, 2));
        Assert.Null(await storage.ReadStateAsync("volunteer/bad", TestContext.Current.CancellationToken));
        Assert.Equal(2, (await storage.ReadStateAsync("volunteer/existing", TestContext.Current.CancellationToken))!.Version);
        Assert.Single(await storage.FindJournalByRequestAsync("volunteer/g199", "r199", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_request_record_is_stored_with_its_write_and_found_by_caller_key_and_request_id()
    {
        await using var storage = await CreateStorageAsync();
        var request = Rows.Request("key-a", "r1", "volunteer/a");
        await storage.WriteStateAsync(
            new StateWrite("volunteer/a", 0, Rows.Payload("one"), [Rows.Entry(1, "r1") with { ActorKeyId = "key-a" }]) { Request = request },
            TestContext.Current.CancellationToken);

        var found = await storage.FindRequestAsync("key-a", "r1", TestContext.Current.CancellationToken);
        Assert.NotNull(found);
        Assert.True(found.SameRequestAs(request));
        Assert.Equal((request.CallerKeyId, request.RequestId, request.RecordedAt), (found.CallerKeyId, found.RequestId, found.RecordedAt));
        Assert.Equal(request.Result.ToArray(), found.Result.ToArray());
        Assert.Null(await storage.FindRequestAsync("key-b", "r1", TestContext.Current.CancellationToken));
        Assert.Equal("key-a", (await storage.ReadJournalAsync("volunteer/a", 0, 10, TestContext.Current.CancellationToken)).Single().ActorKeyId);
    }

    [Fact]
    public async Task A_request_id_already_recorded_for_the_caller_fails_the_write_on_any_target_and_stores_nothing_of_it()
    {
        await using var storage = await CreateStorageAsync();
        await storage.WriteStateAsync(
            new StateWrite("volunteer/a", 0, Rows.Payload("a"), [Rows.Entry(1, "r1")]) { Request = Rows.Request("key-a", "r1", "volunteer/a") },
            TestContext.Current.CancellationToken);

        // The same caller and id on another grain: nothing of that write may land.
        var duplicate = await Assert.ThrowsAsync<DuplicateRequestException>(() => storage.WriteStateAsync(
            new StateWrite("volunteer/b", 0, Rows.Payload("b"), [Rows.Entry(1, "r1")]) { Request = Rows.Request("key-a", "r1", "volunteer/b") },
            TestContext.Current.CancellationToken));
        Assert.Equal(("key-a", "r1"), (duplicate.CallerKeyId, duplicate.RequestId));
        Assert.Null(await storage.ReadStateAsync("volunteer/b", TestContext.Current.CancellationToken));
        Assert.Empty(await storage.ReadJournalAsync("volunteer/b", 0, 10, TestContext.Current.CancellationToken));
        Assert.Equal("volunteer/a", (await storage.FindRequestAsync("key-a", "r1", TestContext.Current.CancellationToken))!.Target);

        // Another caller may use the same id, even on the same grain.
        await storage.WriteStateAsync(
            new StateWrite("volunteer/a", 1, Rows.Payload("a2"), [Rows.Entry(2, "r1") with { ActorKeyId = "key-b" }]) { Request = Rows.Request("key-b", "r1", "volunteer/a") },
            TestContext.Current.CancellationToken);
        Assert.Equal(2, (await storage.ReadJournalAsync("volunteer/a", 0, 10, TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public async Task A_stale_write_does_not_record_its_request_id()
    {
        await using var storage = await CreateStorageAsync();
        await storage.WriteStateAsync(new StateWrite("volunteer/a", 0, Rows.Payload("a"), StateWrite.NoJournal), TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<StaleStateException>(() => storage.WriteStateAsync(
            new StateWrite("volunteer/a", 0, Rows.Payload("rival"), [Rows.Entry(1, "r1")]) { Request = Rows.Request("key-a", "r1", "volunteer/a") },
            TestContext.Current.CancellationToken));

        Assert.Null(await storage.FindRequestAsync("key-a", "r1", TestContext.Current.CancellationToken));

        // The id is free again: the caller's retry against the current version applies under it.
        Assert.Equal(2, await storage.WriteStateAsync(
            new StateWrite("volunteer/a", 1, Rows.Payload("retry"), [Rows.Entry(1, "r1")]) { Request = Rows.Request("key-a", "r1", "volunteer/a") },
            TestContext.Current.CancellationToken));
        Assert.NotNull(await storage.FindRequestAsync("key-a", "r1", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_answer_only_write_stores_its_request_at_the_version_it_names_and_leaves_the_state_as_it_was()
    {
        await using var storage = await CreateStorageAsync();
        var ct = TestContext.Current.CancellationToken;
        await storage.WriteStateAsync(new StateWrite("volunteer/a", 0, Rows.Payload("one"), [Rows.Entry(1, "r1")]), ct);

        // Decided on version 1 (the stored one), and on "no state" for a grain that has none.
        Assert.Equal(1, await storage.WriteStateAsync(StateWrite.AnswerOnly("volunteer/a", 1, Rows.Request("key-a", "refused", "volunteer/a")), ct));
        Assert.Equal(0, await storage.WriteStateAsync(StateWrite.AnswerOnly("volunteer/none", 0, Rows.Request("key-a", "nobody", "volunteer/none")), ct));

        var stored = await storage.ReadStateAsync("volunteer/a", ct);
        Assert.Equal((1, "one"), (stored!.Version, System.Text.Encoding.UTF8.GetString(stored.Payload.Span)));
        Assert.Single(await storage.ReadJournalAsync("volunteer/a", 0, 10, ct));
        Assert.Null(await storage.ReadStateAsync("volunteer/none", ct));
        Assert.Equal("volunteer/a", (await storage.FindRequestAsync("key-a", "refused", ct))!.Target);
        Assert.Equal("volunteer/none", (await storage.FindRequestAsync("key-a", "nobody", ct))!.Target);

        // The next real write still names version 1: the answer did not move it.
        Assert.Equal(2, await storage.WriteStateAsync(new StateWrite("volunteer/a", 1, Rows.Payload("two"), [Rows.Entry(2, "r2")]), ct));
        await Assert.ThrowsAsync<DuplicateRequestException>(() => storage.WriteStateAsync(
            StateWrite.AnswerOnly("volunteer/a", 2, Rows.Request("key-a", "refused", "volunteer/a")), ct));
    }

    [Fact]
    public async Task An_answer_decided_on_a_copy_that_is_behind_is_refused_as_stale_and_stores_nothing()
    {
        await using var storage = await CreateStorageAsync();
        var ct = TestContext.Current.CancellationToken;
        await storage.WriteStateAsync(new StateWrite("volunteer/a", 0, Rows.Payload("one"), StateWrite.NoJournal), ct);
        await storage.WriteStateAsync(new StateWrite("volunteer/a", 1, Rows.Payload("two"), StateWrite.NoJournal), ct);

        // Decided on version 1 while 2 is stored, and on "no state" (a copy that never saw the grain written).
        await Assert.ThrowsAsync<StaleStateException>(() => storage.WriteStateAsync(StateWrite.AnswerOnly("volunteer/a", 1, Rows.Request("key-a", "behind", "volunteer/a")), ct));
        await Assert.ThrowsAsync<StaleStateException>(() => storage.WriteStateAsync(StateWrite.AnswerOnly("volunteer/a", 0, Rows.Request("key-a", "unseen", "volunteer/a")), ct));

        Assert.Null(await storage.FindRequestAsync("key-a", "behind", ct));
        Assert.Null(await storage.FindRequestAsync("key-a", "unseen", ct));
        Assert.Equal(2, (await storage.ReadStateAsync("volunteer/a", ct))!.Version);
    }

    [Fact]
    public async Task Answer_only_writes_batched_with_state_writes_fail_alone_when_stale()
    {
        await using var storage = await CreateStorageAsync(batchWindow: TimeSpan.FromMilliseconds(300));
        var ct = TestContext.Current.CancellationToken;
        await storage.WriteStateAsync(new StateWrite("volunteer/a", 0, Rows.Payload("one"), StateWrite.NoJournal), ct);

        // Sent together so they share a batch: state writes, answers at the right version, and one answer that is behind.
        var writes = Enumerable.Range(0, 20)
            .Select(i => storage.WriteStateAsync(new StateWrite($"volunteer/w{i}", 0, Rows.Payload($"{i}"), [Rows.Entry(1, $"w{i}")]) { Request = Rows.Request("key-a", $"w{i}", $"volunteer/w{i}") }, ct))
            .ToList();
        var answered = storage.WriteStateAsync(StateWrite.AnswerOnly("volunteer/a", 1, Rows.Request("key-a", "answered", "volunteer/a")), ct);
        var absent = storage.WriteStateAsync(StateWrite.AnswerOnly("volunteer/absent", 0, Rows.Request("key-a", "absent", "volunteer/absent")), ct);
        var behind = storage.WriteStateAsync(StateWrite.AnswerOnly("volunteer/a", 0, Rows.Request("key-a", "behind", "volunteer/a")), ct);

        await Assert.ThrowsAsync<StaleStateException>(() => behind);
        Assert.All(await Task.WhenAll(writes), version => Assert.Equal(1, version));
        Assert.Equal(1, await answered);
        Assert.Equal(0, await absent);
        Assert.Null(await storage.FindRequestAsync("key-a", "behind", ct));
        Assert.NotNull(await storage.FindRequestAsync("key-a", "answered", ct));
        Assert.NotNull(await storage.FindRequestAsync("key-a", "w19", ct));
    }

    [Fact]
    public async Task Writes_batched_with_a_duplicate_request_commit_and_only_the_duplicate_fails()
    {
        await using var storage = await CreateStorageAsync(batchWindow: TimeSpan.FromMilliseconds(300));
        await storage.WriteStateAsync(
            new StateWrite("volunteer/first", 0, Rows.Payload("x"), StateWrite.NoJournal) { Request = Rows.Request("key-a", "taken", "volunteer/first") },
            TestContext.Current.CancellationToken);

        // Sent together so they share a batch: 100 new requests, one already recorded, and two racing for one new id.
        var good = Enumerable.Range(0, 100)
            .Select(i => storage.WriteStateAsync(
                new StateWrite($"volunteer/g{i}", 0, Rows.Payload($"{i}"), [Rows.Entry(1, $"r{i}")]) { Request = Rows.Request("key-a", $"r{i}", $"volunteer/g{i}") },
                TestContext.Current.CancellationToken))
            .ToList();
        var duplicate = storage.WriteStateAsync(
            new StateWrite("volunteer/dup", 0, Rows.Payload("dup"), [Rows.Entry(1, "taken")]) { Request = Rows.Request("key-a", "taken", "volunteer/dup") },
            TestContext.Current.CancellationToken);
        var racers = new[] { "volunteer/race1", "volunteer/race2" }
            .Select(grain => storage.WriteStateAsync(
                new StateWrite(grain, 0, Rows.Payload(grain), [Rows.Entry(1, "race")]) { Request = Rows.Request("key-a", "race", grain) },
                TestContext.Current.CancellationToken))
            .ToList();

        await Assert.ThrowsAsync<DuplicateRequestException>(() => duplicate);
        Assert.All(await Task.WhenAll(good), version => Assert.Equal(1, version));
        var raceOutcomes = await Task.WhenAll(racers.Select(async t => { try { await t; return true; } catch (DuplicateRequestException) { return false; } }));
        Assert.Equal(1, raceOutcomes.Count(won => won));
        Assert.Null(await storage.ReadStateAsync("volunteer/dup", TestContext.Current.CancellationToken));
        Assert.NotNull(await storage.FindRequestAsync("key-a", "r99", TestContext.Current.CancellationToken));
    }

    private static void AssertSame(JournalEntry expected, JournalEntry actual)
    {
        Assert.Equal(expected with { RequestHash = default }, actual with { RequestHash = default });
        Assert.Equal(expected.RequestHash.ToArray(), actual.RequestHash.ToArray());
    }
}
