using Grpc.Health.V1;
using TimeBank.Contracts.V1;
using TimeBank.Rpc;
using TimeBank.Rpc.Client;

namespace TimeBank.Server.Tests;

public sealed class EndToEndTests
{
    [Fact]
    public async Task A_volunteer_registers_deposits_hours_and_sees_the_balance()
    {
        await using var running = await RunningServer.StartAsync();
        var client = running.Client;

        var registered = await client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = Guid.NewGuid().ToString(), VolunteerId = "ana", DisplayName = "Ana", CommunityId = "riverside" });
        Assert.True(registered.Created);
        Assert.Equal("riverside", registered.Volunteer.CommunityId);

        var deposit = await client.DepositHoursAsync(new DepositHoursRequest { RequestId = "r-1", VolunteerId = "ana", ActivityId = "park-cleanup", Minutes = 120 });
        Assert.Equal((120L, 20L), (deposit.MinutesCredited, deposit.PointsAwarded));

        var balance = await client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ana" });
        Assert.Equal((120L, 20L), (balance.HoursMinutes, balance.Points));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await client.CheckHealthAsync()).Status);
    }

    [Fact]
    public async Task A_retried_deposit_returns_the_same_receipt_and_a_reused_id_is_already_exists()
    {
        await using var running = await RunningServer.StartAsync();
        var client = running.Client;
        await client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = Guid.NewGuid().ToString(), VolunteerId = "ana", DisplayName = "Ana", CommunityId = "riverside" });
        var request = new DepositHoursRequest { RequestId = "r-1", VolunteerId = "ana", ActivityId = "park-cleanup", Minutes = 60 };

        var first = await client.DepositHoursAsync(request);
        var retry = await client.DepositHoursAsync(request);
        Assert.Equal(first, retry);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.DepositHoursAsync(new DepositHoursRequest(request) { Minutes = 61 }));
        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Equal(ErrorReasons.RequestIdReused.Code, error.Reason);
        Assert.Equal(ErrorReasons.Domain, error.Domain);
        Assert.Equal(60, (await client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ana" })).HoursMinutes);
    }

    public static readonly TheoryData<DepositHoursRequest, string> BadDeposits = new()
    {
        { new DepositHoursRequest { RequestId = "r", VolunteerId = "ana", ActivityId = "act", Minutes = -30 }, ErrorReasons.MinutesNotPositive.Code },
        { new DepositHoursRequest { RequestId = "r", VolunteerId = "ana", ActivityId = "act", Minutes = 0 }, ErrorReasons.MinutesNotPositive.Code },
        { new DepositHoursRequest { RequestId = "r", VolunteerId = "ana", ActivityId = "act", Minutes = 100_000 }, ErrorReasons.MinutesTooLarge.Code },
        { new DepositHoursRequest { RequestId = "", VolunteerId = "ana", ActivityId = "act", Minutes = 30 }, ErrorReasons.InvalidRequestId.Code },
        { new DepositHoursRequest { RequestId = "r", VolunteerId = "ana", ActivityId = "", Minutes = 30 }, ErrorReasons.InvalidActivityId.Code },
        { new DepositHoursRequest { RequestId = "r", VolunteerId = "", ActivityId = "act", Minutes = 30 }, ErrorReasons.InvalidVolunteerId.Code },
        { new DepositHoursRequest { RequestId = "r", VolunteerId = "ana/../../x", ActivityId = "act", Minutes = 30 }, ErrorReasons.InvalidVolunteerId.Code },
    };

    [Theory]
    [MemberData(nameof(BadDeposits))]
    public async Task Bad_deposits_are_invalid_argument_with_a_reason_and_change_nothing(DepositHoursRequest request, string reason)
    {
        await using var running = await RunningServer.StartAsync();
        var client = running.Client;
        await client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = Guid.NewGuid().ToString(), VolunteerId = "ana", DisplayName = "Ana", CommunityId = "riverside" });

        var error = await Assert.ThrowsAsync<RpcException>(() => client.DepositHoursAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(reason, error.Reason);
        Assert.False(string.IsNullOrWhiteSpace(error.Detail));
        var field = ErrorReasons.All.Single(r => r.Code == reason).Field;
        Assert.Equal([new FieldViolation(field!, error.Detail)], error.FieldViolations); // google.rpc.BadRequest names the field
        Assert.Equal(0, (await client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ana" })).HoursMinutes);
    }

    [Fact]
    public async Task A_megabyte_of_bad_id_gets_an_error_of_bounded_size_naming_the_field()
    {
        await using var running = await RunningServer.StartAsync();
        var huge = new string('\u0001', 1024 * 1024);

        var error = await Assert.ThrowsAsync<RpcException>(() => running.Client.DepositHoursAsync(
            new DepositHoursRequest { RequestId = "r", VolunteerId = "ana", ActivityId = huge, Minutes = 5 }));

        Assert.Equal((StatusCode.InvalidArgument, "INVALID_ACTIVITY_ID"), (error.StatusCode, error.Reason));
        Assert.True(error.Detail.Length < 300, $"{error.Detail.Length} characters echoed");
        Assert.Contains("...(cut)", error.Detail, StringComparison.Ordinal);
        Assert.Equal("activity_id", Assert.Single(error.FieldViolations).Field);
    }

    [Fact]
    public async Task Unknown_volunteers_are_not_found_and_conflicting_registrations_already_exist()
    {
        await using var running = await RunningServer.StartAsync();
        var client = running.Client;

        var missing = await Assert.ThrowsAsync<RpcException>(() => client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ghost" }));
        Assert.Equal((StatusCode.NotFound, ErrorReasons.VolunteerNotFound.Code), (missing.StatusCode, missing.Reason));
        var depositMissing = await Assert.ThrowsAsync<RpcException>(() => client.DepositHoursAsync(new DepositHoursRequest { RequestId = "r", VolunteerId = "ghost", ActivityId = "a", Minutes = 5 }));
        Assert.Equal(StatusCode.NotFound, depositMissing.StatusCode);

        await client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = Guid.NewGuid().ToString(), VolunteerId = "ana", DisplayName = "Ana", CommunityId = "riverside" });
        var again = await client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = Guid.NewGuid().ToString(), VolunteerId = "ana", DisplayName = "Ana", CommunityId = "riverside" });
        Assert.False(again.Created);
        var taken = await Assert.ThrowsAsync<RpcException>(() => client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = Guid.NewGuid().ToString(), VolunteerId = "ana", DisplayName = "Bo", CommunityId = "riverside" }));
        Assert.Equal((StatusCode.AlreadyExists, ErrorReasons.VolunteerIdTaken.Code), (taken.StatusCode, taken.Reason));
        var badName = await Assert.ThrowsAsync<RpcException>(() => client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = Guid.NewGuid().ToString(), VolunteerId = "bo", DisplayName = " ", CommunityId = "riverside" }));
        Assert.Equal((StatusCode.InvalidArgument, ErrorReasons.InvalidDisplayName.Code), (badName.StatusCode, badName.Reason));
    }

    [Fact]
    public async Task An_unknown_method_is_unimplemented()
    {
        await using var running = await RunningServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(running.Address);
        var missing = new Method<GetBalanceRequest, GetBalanceResponse>(MethodType.Unary, "timebank.v1.VolunteerService", "Teleport", GetBalanceRequest.Parser, GetBalanceResponse.Parser);

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(missing, new GetBalanceRequest()));
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task What_was_acknowledged_survives_a_server_restart_on_the_same_data_folder()
    {
        string dataDirectory;
        await using (var running = await RunningServer.StartAsync())
        {
            dataDirectory = running.DataDirectory;
            await running.Client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = Guid.NewGuid().ToString(), VolunteerId = "ana", DisplayName = "Ana", CommunityId = "riverside" });
            await running.Client.DepositHoursAsync(new DepositHoursRequest { RequestId = "r-1", VolunteerId = "ana", ActivityId = "park", Minutes = 45 });
        }

        Assert.True(File.Exists(Path.Combine(dataDirectory, "timebank.db")));
        await using var restarted = await RunningServer.StartAsync(dataDirectory);
        var balance = await restarted.Client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ana" });
        Assert.Equal(45, balance.HoursMinutes);
        var retry = await restarted.Client.DepositHoursAsync(new DepositHoursRequest { RequestId = "r-1", VolunteerId = "ana", ActivityId = "park", Minutes = 45 });
        Assert.Equal(45, retry.MinutesCredited);
        Assert.Equal(45, (await restarted.Client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ana" })).HoursMinutes);
    }

    [Fact]
    public async Task Concurrent_clients_depositing_for_many_volunteers_lose_nothing()
    {
        await using var running = await RunningServer.StartAsync();
        var client = running.Client;
        for (var v = 0; v < 20; v++)
        {
            await client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = Guid.NewGuid().ToString(), VolunteerId = $"v{v}", DisplayName = $"V{v}", CommunityId = "riverside" });
        }

        // 400 deposits of 10 minutes, each sent twice at once (a retry racing its original).
        var sends = Enumerable.Range(0, 400)
            .SelectMany(i => Enumerable.Repeat(new DepositHoursRequest { RequestId = $"r{i}", VolunteerId = $"v{i % 20}", ActivityId = "act", Minutes = 10 }, 2))
            .Select(request => client.DepositHoursAsync(request));
        await Task.WhenAll(sends);

        for (var v = 0; v < 20; v++)
        {
            Assert.Equal(200, (await client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = $"v{v}" })).HoursMinutes);
        }
    }
}
