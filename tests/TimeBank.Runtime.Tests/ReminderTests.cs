using TimeBank.Runtime.Tests.TestGrains;
using TimeBank.Storage;
using TimeBank.Storage.InMemory;
using TimeBank.Storage.Sqlite;
using TimeBank.Testing;

namespace TimeBank.Runtime.Tests;

/// <summary>
/// Durable reminders: stored with the grain's state, fired by activating the grain when due, also after the
/// host is gone and a new one starts on the same database; at least once when a call fails.
/// </summary>
public sealed class ReminderTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_reminder_fires_once_when_due_and_not_before_and_is_then_gone()
    {
        var clock = new ManualClock();
        await using var host = Hosts.Create(new InMemoryGrainStorage(), clock);
        var alarm = host.GetGrain<IAlarmGrain>("a");
        await alarm.SetAsync("wake", Start.AddMinutes(10), period: null);

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(0, await host.FireDueRemindersAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await alarm.FiredAsync());

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await host.FireDueRemindersAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["wake@00:10"], await alarm.FiredAsync());
        Assert.Empty(await alarm.PendingAsync());
        Assert.Equal(0, await host.FireDueRemindersAsync(TestContext.Current.CancellationToken));
        Assert.Single(await alarm.FiredAsync());
    }

    [Fact]
    public async Task A_reminder_survives_the_host_and_activates_its_grain_in_a_new_one_on_the_same_file()
    {
        var clock = new ManualClock();
        var path = TimeBank.Testing.TestEnvironment.NewSqliteFile();
        await using (var storage = await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = path }, cancellationToken: TestContext.Current.CancellationToken))
        await using (var host = Hosts.Create(storage, clock))
        {
            await host.GetGrain<IAlarmGrain>("a").SetAsync("wake", Start.AddMinutes(5), period: null);
            await host.GetGrain<IAlarmGrain>("b").SetAsync("later", Start.AddHours(5), period: null);
        }

        clock.Advance(TimeSpan.FromMinutes(30));
        await using (var storage = await SqliteGrainStorage.OpenAsync(new SqliteStorageOptions { DatabasePath = path }, cancellationToken: TestContext.Current.CancellationToken))
        await using (var host = Hosts.Create(storage, clock))
        {
            Assert.Equal(0, host.ActivationCount);
            Assert.Equal(1, await host.FireDueRemindersAsync(TestContext.Current.CancellationToken)); // only a's is due
            Assert.Equal(["wake@00:05"], await host.GetGrain<IAlarmGrain>("a").FiredAsync());
            Assert.Empty(await host.GetGrain<IAlarmGrain>("b").FiredAsync());
            Assert.Equal(["later@05:00"], await host.GetGrain<IAlarmGrain>("b").PendingAsync());
        }
    }

    [Fact]
    public async Task The_host_polls_by_itself_and_a_periodic_reminder_fires_once_per_due_time_however_long_the_host_was_away()
    {
        var clock = new ManualClock();
        var storage = new InMemoryGrainStorage();
        await using var host = Hosts.Create(storage, clock, new GrainHostOptions { CollectionQuantum = TimeSpan.Zero, ReminderPollInterval = TimeSpan.FromMilliseconds(20) });
        var alarm = host.GetGrain<IAlarmGrain>("a");
        await alarm.SetAsync("tick", Start.AddMinutes(1), TimeSpan.FromMinutes(1));

        clock.Advance(TimeSpan.FromMinutes(1));
        await WaitForAsync(async () => (await alarm.FiredAsync()).Length == 1);
        clock.Advance(TimeSpan.FromMinutes(1));
        await WaitForAsync(async () => (await alarm.FiredAsync()).Length == 2);
        clock.Advance(TimeSpan.FromMinutes(60)); // sixty periods missed: one call, then the next due time is in the future
        await WaitForAsync(async () => (await alarm.FiredAsync()).Length == 3);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal(["tick@00:01", "tick@00:02", "tick@00:03"], await alarm.FiredAsync());
        Assert.Equal(["tick@01:03"], await alarm.PendingAsync());
    }

    [Fact]
    public async Task A_reminder_whose_call_fails_stays_due_and_comes_again()
    {
        var clock = new ManualClock();
        await using var host = Hosts.Create(new InMemoryGrainStorage(), clock);
        var alarm = host.GetGrain<IAlarmGrain>("a");
        await alarm.SetAsync("wake", Start.AddMinutes(1), period: null);
        await alarm.FailNextAsync(1);
        clock.Advance(TimeSpan.FromMinutes(1));

        await host.FireDueRemindersAsync(TestContext.Current.CancellationToken); // throws inside; the activation is discarded
        Assert.Equal(["wake@00:01"], await alarm.PendingAsync());
        await host.FireDueRemindersAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["wake@00:01"], await alarm.FiredAsync());
        Assert.Empty(await alarm.PendingAsync());
    }

    [Fact]
    public async Task A_cleared_reminder_never_fires()
    {
        var clock = new ManualClock();
        var storage = new InMemoryGrainStorage();
        await using var host = Hosts.Create(storage, clock);
        var alarm = host.GetGrain<IAlarmGrain>("a");
        await alarm.SetAsync("wake", Start.AddMinutes(1), period: null);
        await alarm.ClearAsync("wake");
        clock.Advance(TimeSpan.FromHours(1));

        Assert.Empty(await storage.ReadDueRemindersAsync(clock.GetUtcNow(), 10, TestContext.Current.CancellationToken));
        Assert.Equal(0, await host.FireDueRemindersAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await alarm.FiredAsync());
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 250 && !await condition(); i++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.True(await condition(), "timed out");
    }
}
