using TimeBank.Contracts.V1;
using TimeBank.Grains.Volunteers;
using TransferCode = TimeBank.Ledger.TransferCode;

namespace TimeBank.Grains.Tests;

/// <summary>Request ids belong to the calling key, across every operation and target, as transfer ids do in TigerBeetle.</summary>
public sealed class RequestIdTests
{
    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task The_same_id_for_another_volunteer_is_reused_and_credits_nothing(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");
        var bo = await RegisteredAsync(test, "bo");
        Assert.True((await ana.DepositHoursAsync(new DepositHours(TestRequests.Key("r1"), "act", 60))).Succeeded);

        var other = await bo.DepositHoursAsync(new DepositHours(TestRequests.Key("r1"), "act", 60));

        Assert.Equal(ErrorReasons.RequestIdReused, other.Reason());
        Assert.Contains("volunteer/ana", other.Failure!.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await bo.GetBalanceAsync()).Value!.HoursMinutes);
        Assert.Empty(await test.Storage.ReadJournalAsync("volunteer/bo", 0, 10, TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task The_same_id_for_another_operation_is_reused(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = test.Host.GetGrain<IVolunteerGrain>("ana");
        Assert.True((await ana.RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.Key("r1"), "Ana", "riverside"))).Succeeded);

        var deposit = await ana.DepositHoursAsync(new DepositHours(TestRequests.Key("r1"), "act", 60));

        Assert.Equal(ErrorReasons.RequestIdReused, deposit.Reason());
        Assert.Equal(0, (await ana.GetBalanceAsync()).Value!.HoursMinutes);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Two_keys_may_use_the_same_id_independently(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");

        var first = await ana.DepositHoursAsync(new DepositHours(TestRequests.Key("r1", "key-a"), "act", 60));
        var second = await ana.DepositHoursAsync(new DepositHours(TestRequests.Key("r1", "key-b"), "act", 60));

        Assert.True(first.Succeeded && second.Succeeded);
        Assert.Equal(120, (await ana.GetBalanceAsync()).Value!.HoursMinutes);
        var journal = await test.Storage.ReadJournalAsync("volunteer/ana", 0, 10, TestContext.Current.CancellationToken);
        Assert.Equal(["key-a", "key-a", "key-b", "key-b"], journal.Select(e => e.ActorKeyId));
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_registration_retried_with_its_id_returns_the_first_answer_even_after_a_restart(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var register = new RegisterVolunteer(TestRequests.Key("reg-1"), "Ana", "riverside");
        var first = await test.Host.GetGrain<IVolunteerGrain>("ana").RegisterVolunteerAsync(register);
        Assert.True(first.Value!.Created);

        await test.RestartAsync();
        var retry = await test.Host.GetGrain<IVolunteerGrain>("ana").RegisterVolunteerAsync(register);

        Assert.Equal(first.Value, retry.Value); // the first answer, Created included, not "already registered"
        var reused = await test.Host.GetGrain<IVolunteerGrain>("ana").RegisterVolunteerAsync(register with { DisplayName = "Ana Li" });
        Assert.Equal(ErrorReasons.RequestIdReused, reused.Reason());
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task One_id_sent_at_once_to_many_volunteers_credits_exactly_one_of_them(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var volunteers = new List<IVolunteerGrain>();
        for (var i = 0; i < 20; i++)
        {
            volunteers.Add(await RegisteredAsync(test, $"v{i}"));
        }

        // The same key and request id raced to twenty targets: storage decides, one wins, nineteen are reused ids.
        var results = await Task.WhenAll(volunteers.Select(v =>
            Task.Run(() => v.DepositHoursAsync(new DepositHours(TestRequests.Key("contested"), "act", 30)), TestContext.Current.CancellationToken)));

        Assert.Single(results, r => r.Succeeded);
        Assert.Equal(19, results.Count(r => r.Reason() == ErrorReasons.RequestIdReused));
        var balances = await Task.WhenAll(volunteers.Select(async v => (await v.GetBalanceAsync()).Value!.HoursMinutes));
        Assert.Equal(30, balances.Sum());
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_refusal_is_the_first_answer_so_a_retry_after_the_balance_grew_is_refused_again_and_moves_nothing(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");
        await RegisteredAsync(test, "bo");
        var transfer = new TransferHours(TestRequests.Key("t1"), "bo", 30, TransferCode.Gift);
        Assert.Equal(ErrorReasons.InsufficientHours, (await ana.TransferHoursAsync(transfer)).Reason());

        // The hours arrive, then the retry (as a client whose first call timed out would send it), also after a restart.
        Assert.True((await ana.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "act", 60))).Succeeded);
        Assert.Equal(ErrorReasons.InsufficientHours, (await ana.TransferHoursAsync(transfer)).Reason());
        await test.RestartAsync();
        Assert.Equal(ErrorReasons.InsufficientHours, (await test.Host.GetGrain<IVolunteerGrain>("ana").TransferHoursAsync(transfer)).Reason());

        // Nothing moved, the refusal changed neither state nor journal, and the same id for other content is a reuse.
        Assert.Equal(60, (await test.Host.GetGrain<IVolunteerGrain>("ana").GetBalanceAsync()).Value!.HoursMinutes);
        Assert.Equal(0, (await test.Host.GetGrain<IVolunteerGrain>("bo").GetBalanceAsync()).Value!.HoursMinutes);
        Assert.Equal(2, (await test.Storage.ReadJournalAsync("volunteer/ana", 0, 10, TestContext.Current.CancellationToken)).Count);
        Assert.Equal(ErrorReasons.RequestIdReused,
            (await test.Host.GetGrain<IVolunteerGrain>("ana").TransferHoursAsync(transfer with { Minutes = 20 })).Reason());
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_refusal_decided_on_a_copy_behind_another_process_is_not_kept_and_the_retry_decides_on_the_stored_state(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");
        await RegisteredAsync(test, "bo");

        // Host B reads Ana with no hours and keeps that copy; host A then deposits.
        await using var hostB = test.SecondHost();
        Assert.Equal(0, (await hostB.GetGrain<IVolunteerGrain>("ana").GetBalanceAsync()).Value!.HoursMinutes);
        Assert.True((await ana.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "act", 60))).Succeeded);

        // On B's copy the transfer would be refused for want of hours; that refusal cannot be stored against the
        // version it was decided on, so the caller is told to retry, and the retry (B reloads) transfers.
        var transfer = new TransferHours(TestRequests.Key("t1"), "bo", 30, TransferCode.Gift);
        await Assert.ThrowsAsync<TimeBank.Storage.StaleStateException>(() => hostB.GetGrain<IVolunteerGrain>("ana").TransferHoursAsync(transfer));
        var retried = await hostB.GetGrain<IVolunteerGrain>("ana").TransferHoursAsync(transfer);
        Assert.True(retried.Succeeded, retried.ToString());

        // Host A, whose copy has not seen the transfer, answers "in progress" once and reloads; then the same receipt.
        Assert.Equal(ErrorReasons.TransferInProgress, (await ana.TransferHoursAsync(transfer)).Reason());
        Assert.Equal(retried.Value.TransferId, (await ana.TransferHoursAsync(transfer)).Value!.TransferId);
        Assert.Equal(30, (await ana.GetBalanceAsync()).Value!.HoursMinutes);
    }

    private static async Task<IVolunteerGrain> RegisteredAsync(GrainTestHost test, string id)
    {
        var grain = test.Host.GetGrain<IVolunteerGrain>(id);
        Assert.True((await grain.RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), id, "riverside"))).Succeeded);
        return grain;
    }
}
