using TimeBank.Contracts.V1;
using TimeBank.Grains.Volunteers;
using TimeBank.Ledger;
using TransferCode = TimeBank.Ledger.TransferCode;

namespace TimeBank.Grains.Tests;

public sealed class ReverseTransferTests
{
    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_deposits_hours_and_points_are_reversed_once_each_by_compensating_rows(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await TransferHoursTests.VolunteerAsync(test, "ana", "riverside");
        var deposit = (await ana.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "typo", 90))).Value!;

        var hours = await ana.ReverseTransferAsync(new ReverseTransfer(TestRequests.Key("rev-1"), deposit.HoursTransferId, "entered twice"));
        Assert.True(hours.Succeeded, hours.ToString());
        Assert.Equal(("volunteer/ana#3", LedgerKind.Hours, 90L), (hours.Value.ReversalId, hours.Value.Ledger, hours.Value.Amount));
        Assert.Equal(hours.Value, (await ana.ReverseTransferAsync(new ReverseTransfer(TestRequests.Key("rev-1"), deposit.HoursTransferId, "entered twice"))).Value);
        Assert.Equal(ErrorReasons.TransferAlreadyReversed, (await ana.ReverseTransferAsync(new ReverseTransfer(TestRequests.NewKey(), deposit.HoursTransferId))).Reason());

        Assert.True((await ana.ReverseTransferAsync(new ReverseTransfer(TestRequests.NewKey(), deposit.PointsTransferId))).Succeeded);
        Assert.Equal(new VolunteerBalance("ana", 0, 0, 0, 0), (await ana.GetBalanceAsync()).Value);

        var rows = await test.Storage.ReadJournalAsync("volunteer/ana", 0, 100, TestContext.Current.CancellationToken);
        var reversal = rows.Single(r => r.Sequence == 3);
        Assert.Equal(("volunteer/ana/hours", "community/riverside/hours-issued", (int)TransferCode.Reversal, deposit.HoursTransferId, "entered twice"),
            (reversal.DebitAccount, reversal.CreditAccount, reversal.Code, reversal.Reference, reversal.Memo));
        Assert.Equal(ErrorReasons.TransferNotReversible, (await ana.ReverseTransferAsync(new ReverseTransfer(TestRequests.NewKey(), "volunteer/ana#3"))).Reason());
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_transfer_is_reversed_by_its_recipient_giving_the_minutes_back_within_its_limit(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await TransferHoursTests.VolunteerAsync(test, "ana", "riverside", minutes: 120);
        var ben = await TransferHoursTests.VolunteerAsync(test, "ben", "hillside");
        var transfer = (await ana.TransferHoursAsync(new TransferHours(TestRequests.NewKey(), "ben", 50, TransferCode.Gift))).Value!;
        Assert.True((await ben.TransferHoursAsync(new TransferHours(TestRequests.NewKey(), "ana", 20, TransferCode.Gift))).Succeeded);

        var refused = await ana.ReverseTransferAsync(new ReverseTransfer(TestRequests.NewKey(), transfer.TransferId));
        Assert.Equal(ErrorReasons.InsufficientHours, refused.Reason()); // ben has 30 of the 50 left
        Assert.Equal((90L, 30L), ((await ana.GetBalanceAsync()).Value!.HoursMinutes, (await ben.GetBalanceAsync()).Value!.HoursMinutes));

        await ben.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "park", 20));
        var reversed = await ana.ReverseTransferAsync(new ReverseTransfer(TestRequests.Key("rev-t"), transfer.TransferId, "wrong person"));
        Assert.True(reversed.Succeeded, reversed.ToString());
        Assert.Equal(140, reversed.Value.Balances.HoursMinutes);
        Assert.Equal((140L, 0L), ((await ana.GetBalanceAsync()).Value!.HoursMinutes, (await ben.GetBalanceAsync()).Value!.HoursMinutes));
        Assert.Equal(reversed.Value, (await ana.ReverseTransferAsync(new ReverseTransfer(TestRequests.Key("rev-t"), transfer.TransferId, "wrong person"))).Value);
        Assert.Equal(ErrorReasons.TransferAlreadyReversed, (await ana.ReverseTransferAsync(new ReverseTransfer(TestRequests.NewKey(), transfer.TransferId))).Reason());

        var received = (await test.Storage.ReadJournalAsync("volunteer/ben", 0, 1, TestContext.Current.CancellationToken))[0];
        Assert.Equal(ErrorReasons.TransferNotFound, (await ana.ReverseTransferAsync(new ReverseTransfer(TestRequests.NewKey(), $"volunteer/ben#{received.Sequence}"))).Reason());
        Assert.Equal(ErrorReasons.TransferNotReversible, (await ben.ReverseTransferAsync(new ReverseTransfer(TestRequests.NewKey(), $"volunteer/ben#{received.Sequence}"))).Reason());
    }

    public static readonly TheoryData<string, string> CrashPoints = GrainTestHost.OnEveryProvider("reversal.recorded", "reversal.returned");

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task A_reversal_cut_off_between_its_steps_finishes_after_a_restart_without_a_new_call(string provider, string step)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await TransferHoursTests.VolunteerAsync(test, "ana", "riverside", minutes: 120);
        await TransferHoursTests.VolunteerAsync(test, "ben", "hillside");
        var transfer = (await ana.TransferHoursAsync(new TransferHours(TestRequests.NewKey(), "ben", 50, TransferCode.Gift))).Value!;
        await test.RestartAsync(new TimeBankGrainOptions { StepHook = s => s == step ? throw new InvalidOperationException($"crash after {s}") : Task.CompletedTask });

        var command = new ReverseTransfer(TestRequests.Key("rev-crash"), transfer.TransferId);
        await Assert.ThrowsAsync<InvalidOperationException>(() => test.Host.GetGrain<IVolunteerGrain>("ana").ReverseTransferAsync(command));

        await test.RestartAsync();
        ana = test.Host.GetGrain<IVolunteerGrain>("ana");
        var ben = test.Host.GetGrain<IVolunteerGrain>("ben");
        await TransferHoursTests.WaitUntilAsync(async () => (await ana.GetBalanceAsync()).Value!.HoursMinutes == 120);
        Assert.Equal(0, (await ben.GetBalanceAsync()).Value!.HoursMinutes);
        Assert.True((await ana.ReverseTransferAsync(command)).Succeeded);
        Assert.Equal(ErrorReasons.TransferAlreadyReversed, (await ana.ReverseTransferAsync(command with { Request = TestRequests.NewKey() })).Reason());
    }

    public static readonly TheoryData<string, string, string> BadReversals = new()
    {
        { "has space", "volunteer/ana#1", ErrorReasons.InvalidRequestId.Code },
        { "r", "", ErrorReasons.InvalidTransferId.Code },
        { "r", "ana#1", ErrorReasons.InvalidTransferId.Code },
        { "r", "volunteer/ana#0", ErrorReasons.InvalidTransferId.Code },
        { "r", "volunteer/ana#-1", ErrorReasons.InvalidTransferId.Code },
        { "r", new string('x', 10_000), ErrorReasons.InvalidTransferId.Code },
        { "r", "volunteer/ana#99", ErrorReasons.TransferNotFound.Code },
        { "r", "volunteer/ben#1", ErrorReasons.TransferNotFound.Code },
    };

    [Theory]
    [MemberData(nameof(BadReversals))]
    public async Task Bad_reversals_are_refused_with_their_reason_and_change_nothing(string requestId, string transferId, string expected)
    {
        await using var test = await GrainTestHost.StartAsync("memory");
        var ana = await TransferHoursTests.VolunteerAsync(test, "ana", "riverside", minutes: 60);

        Assert.Equal(expected, (await ana.ReverseTransferAsync(new ReverseTransfer(TestRequests.Key(requestId), transferId))).Reason()?.Code);
        Assert.Equal(new VolunteerBalance("ana", 60, 10, 60, 10), (await ana.GetBalanceAsync()).Value);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_deposit_reversal_is_refused_where_it_would_take_the_balance_below_its_limit(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await TransferHoursTests.VolunteerAsync(test, "ana", "riverside");
        await TransferHoursTests.VolunteerAsync(test, "ben", "riverside");
        var deposit = (await ana.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "park", 60))).Value!;
        Assert.True((await ana.TransferHoursAsync(new TransferHours(TestRequests.NewKey(), "ben", 30, TransferCode.Gift))).Succeeded);

        Assert.Equal(ErrorReasons.InsufficientHours, (await ana.ReverseTransferAsync(new ReverseTransfer(TestRequests.NewKey(), deposit.HoursTransferId))).Reason());
        Assert.Equal(30, (await ana.GetBalanceAsync()).Value!.HoursMinutes);
    }
}
