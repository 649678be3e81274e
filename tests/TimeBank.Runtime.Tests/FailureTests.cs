using TimeBank.Runtime.Tests.TestGrains;
using TimeBank.Storage;
using TimeBank.Storage.Sqlite;

namespace TimeBank.Runtime.Tests;

public sealed class FailureTests
{
    [Fact]
    public async Task An_exception_reaches_its_caller_and_the_activation_stays_usable()
    {
        await using var host = Hosts.Create(new FaultyStorage());
        var grain = host.GetGrain<ICounterGrain>("throws");
        var before = await grain.GetAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.FailAsync("boom"));
        Assert.Equal("boom", error.Message);

        Assert.Equal(1, await grain.IncrementAsync(yieldInside: true));
        Assert.Equal(before.ActivationId, (await grain.GetAsync()).ActivationId);
    }

    [Fact]
    public async Task A_failed_state_write_discards_the_activation_and_the_next_call_reloads_from_storage()
    {
        var storage = new FaultyStorage();
        await using var host = Hosts.Create(storage);
        var grain = host.GetGrain<ICounterGrain>("fragile");
        Assert.Equal(1, await grain.IncrementAsync(yieldInside: false));
        var before = await grain.GetAsync();

        storage.FailNextWrites(1);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => grain.IncrementAsync(yieldInside: false));

        // Memory had counted to 2, the database had not: the activation that believed 2 is gone.
        var after = await grain.GetAsync();
        Assert.NotEqual(before.ActivationId, after.ActivationId);
        Assert.Equal(1, after.Count);
        Assert.Equal(2, await grain.IncrementAsync(yieldInside: false));
    }

    [Fact]
    public async Task A_second_write_in_the_turn_whose_write_failed_is_refused_so_the_unstored_change_never_lands()
    {
        var storage = new FaultyStorage();
        await using var host = Hosts.Create(storage);
        var grain = host.GetGrain<ICounterGrain>("careless");
        Assert.Equal(1, await grain.IncrementAsync(yieldInside: false));

        storage.FailNextWrites(1);
        await Assert.ThrowsAsync<StaleStateException>(grain.IncrementWritingAgainAfterAFailureAsync);

        Assert.Equal(1, (await grain.GetAsync()).Count);
        Assert.Equal(2, await grain.IncrementAsync(yieldInside: false));
    }

    [Fact]
    public async Task Calls_queued_behind_a_failed_write_run_on_a_fresh_activation()
    {
        var storage = new FaultyStorage();
        await using var host = Hosts.Create(storage);
        var grain = host.GetGrain<ICounterGrain>("queue");
        var first = await grain.GetAsync();

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failing = grain.IncrementAfterAsync(gate);
        var queued = Enumerable.Range(0, 50).Select(_ => grain.IncrementAsync(yieldInside: true)).ToArray();
        storage.FailNextWrites(1);
        gate.SetResult();

        await Assert.ThrowsAsync<StorageUnavailableException>(() => failing);
        var counts = await Task.WhenAll(queued);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), counts);

        var last = await grain.GetAsync();
        Assert.NotEqual(first.ActivationId, last.ActivationId);
        Assert.Equal(50, last.Count);
    }

    [Fact]
    public async Task A_failed_activation_gives_its_callers_the_error_and_the_next_call_tries_again()
    {
        var storage = new FaultyStorage();
        await using var host = Hosts.Create(storage);
        var grain = host.GetGrain<ICounterGrain>("unreachable");

        storage.FailNextReads(1);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => grain.GetAsync());
        Assert.Equal(0, host.ActivationCount);

        Assert.Equal(1, await grain.IncrementAsync(yieldInside: false));
    }

    [Fact]
    public async Task Two_hosts_on_one_database_refuse_a_stale_write_and_the_loser_reloads()
    {
        var path = TimeBank.Testing.TestEnvironment.NewSqliteFile();
        await using var storageA = await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = path }, cancellationToken: TestContext.Current.CancellationToken);
        await using var storageB = await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = path }, cancellationToken: TestContext.Current.CancellationToken);
        await using var hostA = Hosts.Create(storageA);
        await using var hostB = Hosts.Create(storageB);
        var onA = hostA.GetGrain<ICounterGrain>("shared");
        var onB = hostB.GetGrain<ICounterGrain>("shared");
        await onA.GetAsync();
        await onB.GetAsync(); // both activations have read version 0

        Assert.Equal(1, await onA.IncrementAsync(yieldInside: false));
        await Assert.ThrowsAsync<StaleStateException>(() => onB.IncrementAsync(yieldInside: false));

        // B's activation was discarded; its next call reloads A's write and builds on it.
        Assert.Equal(2, await onB.IncrementAsync(yieldInside: false));
        await Assert.ThrowsAsync<StaleStateException>(() => onA.IncrementAsync(yieldInside: false));
        Assert.Equal(3, await onA.IncrementAsync(yieldInside: false));
    }
}
