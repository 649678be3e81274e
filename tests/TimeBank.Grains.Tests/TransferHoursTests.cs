using TimeBank.Contracts.V1;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Volunteers;
using TimeBank.Ledger;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Tests;

public sealed class TransferHoursTests
{
    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_transfer_moves_hours_across_communities_and_through_transit_which_nets_to_zero(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await VolunteerAsync(test, "ana", "riverside", minutes: 120);
        var ben = await VolunteerAsync(test, "ben", "hillside");

        var result = await ana.TransferHoursAsync(new TransferHours(TestRequests.Key("t-1"), "ben", 45, TransferCode.Gift, "for grandma"));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("volunteer/ana#3", result.Value.TransferId);
        Assert.Equal(new VolunteerBalances(75, 75, 20, 20), result.Value.Balances);
        Assert.Equal(new VolunteerBalance("ana", 75, 20, 75, 20), (await ana.GetBalanceAsync()).Value);
        Assert.Equal(new VolunteerBalance("ben", 45, 0, 45, 0), (await ben.GetBalanceAsync()).Value);

        var anaRows = await JournalAsync(test, "volunteer/ana");
        var benRows = await JournalAsync(test, "volunteer/ben");
        Assert.Equal([(int)TransferKind.Pending, (int)TransferKind.PostPending], anaRows.Skip(2).Select(r => r.Kind));
        Assert.All(anaRows.Skip(2), r => Assert.Equal("for grandma", r.Memo));
        var credit = Assert.Single(benRows);
        Assert.Equal((AccountNames.HoursInTransit, "volunteer/ben/hours", 45L, "volunteer/ana#3"), (credit.DebitAccount, credit.CreditAccount, credit.Amount, credit.Reference));
        Assert.Equal(TestRequests.CallerKeyId, credit.ActorKeyId); // the recipient's row names who asked, not the system
        Assert.Equal(0, TransitBalance(anaRows.Concat(benRows)));
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_retry_gets_the_first_receipt_and_moves_nothing_again_even_after_a_restart(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await VolunteerAsync(test, "ana", "riverside", minutes: 120);
        await VolunteerAsync(test, "ben", "riverside");
        var command = new TransferHours(TestRequests.Key("t-1"), "ben", 30, TransferCode.Exchange, "");
        var first = await ana.TransferHoursAsync(command);

        Assert.Equal(first.Value, (await ana.TransferHoursAsync(command)).Value);
        await test.RestartAsync();
        ana = test.Host.GetGrain<IVolunteerGrain>("ana");
        Assert.Equal(first.Value, (await ana.TransferHoursAsync(command)).Value);
        Assert.Equal(ErrorReasons.RequestIdReused, (await ana.TransferHoursAsync(command with { Minutes = 31 })).Reason());
        Assert.Equal(ErrorReasons.RequestIdReused, (await ana.DepositHoursAsync(new DepositHours(TestRequests.Key("t-1"), "park", 30))).Reason());

        Assert.Equal(90, (await ana.GetBalanceAsync()).Value!.HoursMinutes);
        Assert.Equal(30, (await test.Host.GetGrain<IVolunteerGrain>("ben").GetBalanceAsync()).Value!.HoursMinutes);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task The_payer_goes_below_zero_only_within_the_communitys_credit_limit(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await VolunteerAsync(test, "ana", "riverside", minutes: 60);
        await VolunteerAsync(test, "ben", "hillside");

        var refused = await ana.TransferHoursAsync(new TransferHours(TestRequests.NewKey(), "ben", 61, TransferCode.Exchange));
        Assert.Equal(ErrorReasons.InsufficientHours, refused.Reason());
        Assert.Equal(new VolunteerBalance("ana", 60, 10, 60, 10), (await ana.GetBalanceAsync()).Value);
        Assert.Single(await JournalAsync(test, "volunteer/ana", includePoints: false));

        var riverside = test.Host.GetGrain<ICommunityGrain>("riverside");
        var policy = CommunityPolicies.Default(10) with { HoursCreditLimitMinutes = 120 };
        Assert.True((await riverside.UpdatePolicyAsync(new UpdatePolicy(TestRequests.NewKey(), policy))).Succeeded);

        Assert.True((await ana.TransferHoursAsync(new TransferHours(TestRequests.NewKey(), "ben", 180, TransferCode.Exchange))).Succeeded);
        Assert.Equal(-120, (await ana.GetBalanceAsync()).Value!.HoursMinutes);
        Assert.Equal(ErrorReasons.InsufficientHours, (await ana.TransferHoursAsync(new TransferHours(TestRequests.NewKey(), "ben", 1, TransferCode.Exchange))).Reason());
    }

    public static readonly TheoryData<string, string, long, int, string, string> BadTransfers = new()
    {
        { "has space", "ben", 10, 2, "", ErrorReasons.InvalidRequestId.Code },
        { "r", "", 10, 2, "", ErrorReasons.InvalidToVolunteerId.Code },
        { "r", "bad id!", 10, 2, "", ErrorReasons.InvalidToVolunteerId.Code },
        { "r", new string('b', 65), 10, 2, "", ErrorReasons.InvalidToVolunteerId.Code },
        { "r", "ana", 10, 2, "", ErrorReasons.TransferToSelf.Code },
        { "r", "ben", 0, 2, "", ErrorReasons.MinutesNotPositive.Code },
        { "r", "ben", -5, 2, "", ErrorReasons.MinutesNotPositive.Code },
        { "r", "ben", long.MinValue, 2, "", ErrorReasons.MinutesNotPositive.Code },
        { "r", "ben", long.MaxValue, 2, "", ErrorReasons.AmountTooLarge.Code },
        { "r", "ben", 10, 0, "", ErrorReasons.InvalidTransferCode.Code },
        { "r", "ben", 10, (int)TransferCode.Reversal, "", ErrorReasons.InvalidTransferCode.Code },
        { "r", "ben", 10, 99, "", ErrorReasons.InvalidTransferCode.Code },
        { "r", "ben", 10, 2, new string('m', 201), ErrorReasons.InvalidMemo.Code },
        { "r", "ben", 10, 2, "line\nbreak", ErrorReasons.InvalidMemo.Code },
        { "r", "nobody", 10, 2, "", ErrorReasons.RecipientNotFound.Code },
        { "r", "ben", 100_000, 2, "", ErrorReasons.InsufficientHours.Code },
    };

    [Theory]
    [MemberData(nameof(BadTransfers))]
    public async Task Bad_transfers_are_refused_with_their_reason_and_hold_nothing(string requestId, string to, long minutes, int code, string memo, string expected)
    {
        await using var test = await GrainTestHost.StartAsync("memory");
        var ana = await VolunteerAsync(test, "ana", "riverside", minutes: 60);
        await VolunteerAsync(test, "ben", "riverside");

        var result = await ana.TransferHoursAsync(new TransferHours(TestRequests.Key(requestId), to, minutes, (TransferCode)code, memo));

        Assert.Equal(expected, result.Reason()?.Code);
        Assert.Equal(new VolunteerBalance("ana", 60, 10, 60, 10), (await ana.GetBalanceAsync()).Value);
        Assert.Equal(2, (await JournalAsync(test, "volunteer/ana")).Count);
    }

    [Fact]
    public async Task An_unregistered_payer_is_not_found()
    {
        await using var test = await GrainTestHost.StartAsync("memory");
        await VolunteerAsync(test, "ben", "riverside");

        var result = await test.Host.GetGrain<IVolunteerGrain>("ghost").TransferHoursAsync(new TransferHours(TestRequests.NewKey(), "ben", 10, TransferCode.Gift));

        Assert.Equal(ErrorReasons.VolunteerNotFound, result.Reason());
    }

    public static readonly TheoryData<string, string> CrashPoints = GrainTestHost.OnEveryProvider("transfer.held", "transfer.credited");

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task A_transfer_cut_off_between_its_steps_finishes_after_a_restart_without_a_new_call(string provider, string step)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        await VolunteerAsync(test, "ana", "riverside", minutes: 120);
        await VolunteerAsync(test, "ben", "hillside");
        await test.RestartAsync(new TimeBankGrainOptions { StepHook = s => s == step ? throw new SimulatedCrashException(s) : Task.CompletedTask });

        var command = new TransferHours(TestRequests.Key("t-crash"), "ben", 50, TransferCode.Gift);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => test.Host.GetGrain<IVolunteerGrain>("ana").TransferHoursAsync(command));

        await test.RestartAsync(); // the process died there; a new one starts on the same data
        var ana = test.Host.GetGrain<IVolunteerGrain>("ana");
        var ben = test.Host.GetGrain<IVolunteerGrain>("ben");
        await WaitUntilAsync(async () => (await ben.GetBalanceAsync()).Value!.HoursMinutes == 50 && (await ana.GetBalanceAsync()).Value!.HoursMinutes == 70);

        Assert.Equal(new VolunteerBalance("ana", 70, 20, 70, 20), (await ana.GetBalanceAsync()).Value);
        var retry = await ana.TransferHoursAsync(command);
        Assert.True(retry.Succeeded, retry.ToString());
        Assert.Equal(new VolunteerBalances(70, 70, 20, 20), retry.Value.Balances);
        Assert.Equal(0, TransitBalance((await JournalAsync(test, "volunteer/ana")).Concat(await JournalAsync(test, "volunteer/ben"))));
        Assert.Single(await JournalAsync(test, "volunteer/ben"));
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Transfers_both_ways_at_once_never_hang_and_every_minute_is_accounted_for(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await VolunteerAsync(test, "ana", "riverside", minutes: 1440);
        var ben = await VolunteerAsync(test, "ben", "hillside", minutes: 1440);
        var moved = new long[2];

        async Task SendAsync(IVolunteerGrain from, string to, int index, int count)
        {
            for (var i = 0; i < count; i++)
            {
                var command = new TransferHours(TestRequests.Key($"{to}-{i}"), to, 1 + (i % 7), TransferCode.Gift);
                while (true)
                {
                    // ABORTED answers (a transfer the other way in the same instant) are retried with the same id, as a client would.
                    var result = await from.TransferHoursAsync(command);
                    if (result.Succeeded)
                    {
                        moved[index] += command.Minutes;
                        break;
                    }

                    Assert.Equal(Rpc.StatusCode.Aborted, result.Failure.Reason.Status);
                }
            }
        }

        var run = Task.WhenAll(SendAsync(ana, "ben", 0, 60), SendAsync(ben, "ana", 1, 60));
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken)));
        await run;

        Assert.Equal(1440 - moved[0] + moved[1], (await ana.GetBalanceAsync()).Value!.HoursMinutes);
        Assert.Equal(1440 - moved[1] + moved[0], (await ben.GetBalanceAsync()).Value!.HoursMinutes);
        Assert.Equal(0, TransitBalance((await JournalAsync(test, "volunteer/ana")).Concat(await JournalAsync(test, "volunteer/ben"))));
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Ended_transfers_and_holds_leave_state_after_the_retention_yet_retries_and_reversals_still_find_them(string provider)
    {
        var clock = new Testing.ManualClock();
        await using var test = await GrainTestHost.StartAsync(provider, clock: clock);
        var ana = await VolunteerAsync(test, "ana", "riverside", minutes: 1440);
        await VolunteerAsync(test, "ben", "hillside");
        var first = new TransferHours(TestRequests.Key("t-0"), "ben", 10, TransferCode.Gift, "the first");
        var receipt = (await ana.TransferHoursAsync(first)).Value!;
        for (var i = 1; i < 40; i++)
        {
            Assert.True((await ana.TransferHoursAsync(new TransferHours(TestRequests.Key($"t-{i}"), "ben", 1, TransferCode.Gift, new string('m', 150)))).Succeeded);
        }

        var hold = (await ana.HoldPointsAsync(new HoldPoints(TestRequests.NewKey(), 5))).Value!;
        Assert.True((await ana.PostHoldAsync(new PostHold(TestRequests.NewKey(), hold.HoldId))).Succeeded);
        var crowded = (await test.Storage.ReadStateAsync("volunteer/ana", TestContext.Current.CancellationToken))!.Payload.Length;

        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.True((await ana.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "park", 30))).Succeeded); // any write drops what ended
        var pruned = (await test.Storage.ReadStateAsync("volunteer/ana", TestContext.Current.CancellationToken))!.Payload.Length;
        Assert.True(pruned * 10 < crowded, $"State is {pruned} bytes after the retention, {crowded} before.");

        await test.RestartAsync();
        ana = test.Host.GetGrain<IVolunteerGrain>("ana");
        Assert.Equal(receipt, (await ana.TransferHoursAsync(first)).Value);
        Assert.Equal(ErrorReasons.HoldNotFound, (await ana.PostHoldAsync(new PostHold(TestRequests.NewKey(), hold.HoldId))).Reason());
        var reversed = await ana.ReverseTransferAsync(new ReverseTransfer(TestRequests.NewKey(), receipt.TransferId));
        Assert.True(reversed.Succeeded, reversed.ToString());
        Assert.Equal(1440 - 49 + 30 + 10, (await ana.GetBalanceAsync()).Value!.HoursMinutes);
    }

    internal static async Task<IVolunteerGrain> VolunteerAsync(GrainTestHost test, string id, string community, long minutes = 0)
    {
        var grain = test.Host.GetGrain<IVolunteerGrain>(id);
        Assert.True((await grain.RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), id, community))).Succeeded);
        if (minutes > 0)
        {
            Assert.True((await grain.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "setup", minutes))).Succeeded);
        }

        return grain;
    }

    private static async Task<IReadOnlyList<Storage.JournalEntry>> JournalAsync(GrainTestHost test, string grainId, bool includePoints = true)
    {
        var rows = await test.Storage.ReadJournalAsync(grainId, 0, 10_000, TestContext.Current.CancellationToken);
        return includePoints ? rows : rows.Where(r => r.Ledger == (int)LedgerKind.Hours).ToList();
    }

    /// <summary>Transit's posted balance from the rows: credited by posted holds, debited by recipients' credits.</summary>
    private static long TransitBalance(IEnumerable<Storage.JournalEntry> rows)
    {
        long balance = 0;
        foreach (var row in rows.Where(r => r.Kind is (int)TransferKind.Posted or (int)TransferKind.PostPending))
        {
            balance += row.CreditAccount == AccountNames.HoursInTransit ? row.Amount : 0;
            balance -= row.DebitAccount == AccountNames.HoursInTransit ? row.Amount : 0;
        }

        return balance;
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private sealed class SimulatedCrashException(string step) : Exception($"Simulated crash after {step}.");
}
