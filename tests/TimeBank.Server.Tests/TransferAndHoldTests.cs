using TimeBank.Contracts.V1;
using TimeBank.Rpc;

namespace TimeBank.Server.Tests;

/// <summary>Hour transfers and point holds over the wire, against the real server on SQLite with the project's client.</summary>
public sealed class TransferAndHoldTests
{
    [Fact]
    public async Task Hours_go_to_a_volunteer_of_another_community_and_each_answer_carries_the_balances_left()
    {
        await using var running = await RunningServer.StartAsync();
        var client = running.Client;
        await client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = "r-ana", VolunteerId = "ana", DisplayName = "Ana", CommunityId = "riverside" });
        await client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = "r-ben", VolunteerId = "ben", DisplayName = "Ben", CommunityId = "hillside" });
        var deposit = await client.DepositHoursAsync(new DepositHoursRequest { RequestId = "d1", VolunteerId = "ana", ActivityId = "park", Minutes = 120 });
        Assert.Equal(new Balances { HoursMinutes = 120, HoursAvailableMinutes = 120, Points = 20, PointsAvailable = 20 }, deposit.Balances);

        var request = new TransferHoursRequest { RequestId = "t1", VolunteerId = "ana", ToVolunteerId = "ben", Minutes = 45, Code = TransferCode.Gift, Memo = "for Ben's mother" };
        var transfer = await client.TransferHoursAsync(request);
        Assert.Equal(("volunteer/ana#3", 75L), (transfer.TransferId, transfer.Balances.HoursMinutes));
        Assert.Equal(transfer, await client.TransferHoursAsync(request));
        Assert.Equal(45, (await client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ben" })).HoursMinutes);

        var hold = await client.HoldPointsAsync(new HoldPointsRequest { RequestId = "h1", VolunteerId = "ana", Points = 15, Reference = "basket-7" });
        Assert.Equal((20L, 5L), (hold.Balances.Points, hold.Balances.PointsAvailable));
        Assert.True(hold.ExpiresAt.ToDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(14));
        var balance = await client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ana" });
        Assert.Equal((20L, 5L), (balance.Points, balance.PointsAvailable));

        var posted = await client.PostHoldAsync(new PostHoldRequest { RequestId = "p1", VolunteerId = "ana", HoldId = hold.HoldId, Points = 12 });
        Assert.Equal((12L, 3L, 8L, 8L), (posted.PointsPosted, posted.PointsReleased, posted.Balances.Points, posted.Balances.PointsAvailable));
        var again = await Assert.ThrowsAsync<RpcException>(() => client.VoidHoldAsync(new VoidHoldRequest { RequestId = "v1", VolunteerId = "ana", HoldId = hold.HoldId }));
        Assert.Equal((StatusCode.FailedPrecondition, "HOLD_ALREADY_POSTED"), (again.StatusCode, again.Reason));
    }

    [Fact]
    public async Task A_deposit_is_reversed_once_over_the_wire_and_a_second_try_is_a_failed_precondition()
    {
        await using var running = await RunningServer.StartAsync();
        var client = running.Client;
        await client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = "r-ana", VolunteerId = "ana", DisplayName = "Ana", CommunityId = "riverside" });
        var deposit = await client.DepositHoursAsync(new DepositHoursRequest { RequestId = "d1", VolunteerId = "ana", ActivityId = "park", Minutes = 60 });
        Assert.Equal(("volunteer/ana#1", "volunteer/ana#2"), (deposit.HoursTransferId, deposit.PointsTransferId));

        var reversed = await client.ReverseTransferAsync(new ReverseTransferRequest { RequestId = "x1", VolunteerId = "ana", TransferId = deposit.HoursTransferId, Memo = "typo" });
        Assert.Equal(("volunteer/ana#3", LedgerType.Hours, 60L, 0L), (reversed.ReversalId, reversed.Ledger, reversed.Amount, reversed.Balances.HoursMinutes));

        var twice = await Assert.ThrowsAsync<RpcException>(() => client.ReverseTransferAsync(new ReverseTransferRequest { RequestId = "x2", VolunteerId = "ana", TransferId = deposit.HoursTransferId }));
        Assert.Equal((StatusCode.FailedPrecondition, "TRANSFER_ALREADY_REVERSED"), (twice.StatusCode, twice.Reason));
        var malformed = await Assert.ThrowsAsync<RpcException>(() => client.ReverseTransferAsync(new ReverseTransferRequest { RequestId = "x3", VolunteerId = "ana", TransferId = "#1" }));
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_TRANSFER_ID"), (malformed.StatusCode, malformed.Reason));
    }

    public static readonly TheoryData<string, long, TransferCode, StatusCode, string> BadTransfers = new()
    {
        { "ben", 10, TransferCode.Unspecified, StatusCode.InvalidArgument, "INVALID_TRANSFER_CODE" },
        { "ben", 10, (TransferCode)77, StatusCode.InvalidArgument, "INVALID_TRANSFER_CODE" },
        { "ben", 10, TransferCode.Service, StatusCode.InvalidArgument, "INVALID_TRANSFER_CODE" },
        { "ben", 0, TransferCode.Gift, StatusCode.InvalidArgument, "MINUTES_NOT_POSITIVE" },
        { "ben", long.MaxValue, TransferCode.Gift, StatusCode.InvalidArgument, "AMOUNT_TOO_LARGE" },
        { "ben", 61, TransferCode.Exchange, StatusCode.FailedPrecondition, "INSUFFICIENT_HOURS" },
        { "ana", 10, TransferCode.Gift, StatusCode.InvalidArgument, "TRANSFER_TO_SELF" },
        { "nobody", 10, TransferCode.Gift, StatusCode.NotFound, "RECIPIENT_NOT_FOUND" },
        { "bad id", 10, TransferCode.Gift, StatusCode.InvalidArgument, "INVALID_TO_VOLUNTEER_ID" },
    };

    [Theory]
    [MemberData(nameof(BadTransfers))]
    public async Task Bad_transfers_get_their_status_and_reason_and_move_nothing(string to, long minutes, TransferCode code, StatusCode status, string reason)
    {
        await using var running = await RunningServer.StartAsync();
        var client = running.Client;
        await client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = "r-ana", VolunteerId = "ana", DisplayName = "Ana", CommunityId = "riverside" });
        await client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = "r-ben", VolunteerId = "ben", DisplayName = "Ben", CommunityId = "riverside" });
        await client.DepositHoursAsync(new DepositHoursRequest { RequestId = "d1", VolunteerId = "ana", ActivityId = "park", Minutes = 60 });

        var error = await Assert.ThrowsAsync<RpcException>(() => client.TransferHoursAsync(new TransferHoursRequest
            { RequestId = "t1", VolunteerId = "ana", ToVolunteerId = to, Minutes = minutes, Code = code }));

        Assert.Equal((status, reason), (error.StatusCode, error.Reason));
        Assert.Equal(60, (await client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ana" })).HoursAvailableMinutes);
    }
}
