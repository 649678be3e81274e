using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using TimeBank.Contracts.V1;
using TimeBank.Rpc;

namespace TimeBank.Server.Tests;

/// <summary>Communities and journal verification over the wire, against the real server on SQLite.</summary>
public sealed class CommunityAndLedgerTests
{
    private static PolicySettings Policy(long pointsPerHour) => new()
    {
        PointsPerHour = pointsPerHour, MaxMinutesPerDeposit = 1440, HoursCreditLimitMinutes = 0, HoldExpiry = Duration.FromTimeSpan(TimeSpan.FromMinutes(15)),
    };

    [Fact]
    public async Task A_community_is_created_read_and_its_policy_changed_and_the_next_deposit_uses_it()
    {
        await using var running = await RunningServer.StartAsync();
        var client = running.Client;

        var created = await client.CreateCommunityAsync(new CreateCommunityRequest { RequestId = "c-north", CommunityId = "north", DisplayName = "North", Policy = Policy(6) });
        Assert.True(created.Created);
        Assert.Equal(["elder-care", "culture", "environment", "self-governance", "youth"], created.Community.AllCategories);
        Assert.Equal(1, created.Community.PolicyVersion);

        await client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = "r-ana", VolunteerId = "ana", DisplayName = "Ana", CommunityId = "north" });
        Assert.Equal(6, (await client.DepositHoursAsync(new DepositHoursRequest { RequestId = "d1", VolunteerId = "ana", ActivityId = "a", Minutes = 60, Category = "youth" })).PointsAwarded);

        var policy = Policy(20);
        policy.Categories.Add("chess");
        var updated = await client.UpdatePolicyAsync(new UpdatePolicyRequest { RequestId = "p1", CommunityId = "north", Policy = policy });
        Assert.Equal((2L, 20L), (updated.PolicyVersion, updated.Policy.PointsPerHour));
        Assert.Equal(20, (await client.DepositHoursAsync(new DepositHoursRequest { RequestId = "d2", VolunteerId = "ana", ActivityId = "a", Minutes = 60, Category = "chess" })).PointsAwarded);
        Assert.Equal("chess", (await client.GetCommunityAsync(new GetCommunityRequest { CommunityId = "north" })).AllCategories.Last());
    }

    [Fact]
    public async Task Bad_community_calls_get_their_status_reason_and_field()
    {
        await using var running = await RunningServer.StartAsync();
        var client = running.Client;

        var bad = await Assert.ThrowsAsync<RpcException>(() => client.CreateCommunityAsync(new CreateCommunityRequest { RequestId = "c1", CommunityId = "north", DisplayName = "North", Policy = Policy(-5) }));
        Assert.Equal((StatusCode.InvalidArgument, "POINTS_PER_HOUR_OUT_OF_RANGE"), (bad.StatusCode, bad.Reason));
        Assert.Equal("policy.points_per_hour", Assert.Single(bad.FieldViolations).Field);

        var missing = await Assert.ThrowsAsync<RpcException>(() => client.GetCommunityAsync(new GetCommunityRequest { CommunityId = "atlantis" }));
        Assert.Equal((StatusCode.NotFound, "COMMUNITY_NOT_FOUND"), (missing.StatusCode, missing.Reason));

        var nowhere = await Assert.ThrowsAsync<RpcException>(() => client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = "r1", VolunteerId = "ana", DisplayName = "Ana", CommunityId = "atlantis" }));
        Assert.Equal((StatusCode.NotFound, "COMMUNITY_NOT_FOUND"), (nowhere.StatusCode, nowhere.Reason));

        var noPolicy = await Assert.ThrowsAsync<RpcException>(() => client.UpdatePolicyAsync(new UpdatePolicyRequest { RequestId = "p1", CommunityId = "riverside" }));
        Assert.Equal((StatusCode.InvalidArgument, "POLICY_MISSING"), (noPolicy.StatusCode, noPolicy.Reason));

        var badId = await Assert.ThrowsAsync<RpcException>(() => client.CreateCommunityAsync(new CreateCommunityRequest { RequestId = "c2", CommunityId = new string('x', 100_000), DisplayName = "X" }));
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_COMMUNITY_ID"), (badId.StatusCode, badId.Reason));
        Assert.True(badId.Detail.Length < 300, badId.Detail);

        var unknownCategory = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = "r2", VolunteerId = "ben", DisplayName = "Ben", CommunityId = "riverside" });
            await client.DepositHoursAsync(new DepositHoursRequest { RequestId = "d1", VolunteerId = "ben", ActivityId = "a", Minutes = 30, Category = "chess" });
        });
        Assert.Equal((StatusCode.InvalidArgument, "UNKNOWN_CATEGORY"), (unknownCategory.StatusCode, unknownCategory.Reason));
    }

    [Fact]
    public async Task VerifyJournal_streams_progress_and_names_a_row_altered_in_the_database_file()
    {
        await using var running = await RunningServer.StartAsync();
        var client = running.Client;
        foreach (var (volunteer, community) in new[] { ("ana", "riverside"), ("ben", "riverside"), ("hu", "hillside") })
        {
            await client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = $"r-{volunteer}", VolunteerId = volunteer, DisplayName = volunteer, CommunityId = community });
            for (var i = 0; i < 3; i++)
            {
                await client.DepositHoursAsync(new DepositHoursRequest { RequestId = $"d-{volunteer}-{i}", VolunteerId = volunteer, ActivityId = "a", Minutes = 60 });
            }
        }

        var all = await VerifyAsync(client, "");
        Assert.True(all.Intact);
        Assert.Equal((18L, 3L), (all.RowsChecked, all.ChainsChecked));

        using var hillsideAuditor = running.ClientWith((await client.CreateKeyAsync(new CreateKeyRequest { RequestId = "k1", Role = "auditor", Scope = "hillside", DisplayName = "Hillside auditor" })).Secret);
        var hillside = await VerifyAsync(hillsideAuditor, "hillside");
        Assert.Equal((6L, 1L, true), (hillside.RowsChecked, hillside.ChainsChecked, hillside.Intact));
        var elsewhere = await Assert.ThrowsAsync<RpcException>(() => VerifyAsync(hillsideAuditor, "riverside"));
        Assert.Equal((StatusCode.PermissionDenied, "OUT_OF_SCOPE"), (elsewhere.StatusCode, elsewhere.Reason));
        var everything = await Assert.ThrowsAsync<RpcException>(() => VerifyAsync(hillsideAuditor, ""));
        Assert.Equal(StatusCode.PermissionDenied, everything.StatusCode);

        await using (var file = new SqliteConnection($"Data Source={Path.Combine(running.DataDirectory, "timebank.db")};Pooling=False"))
        {
            await file.OpenAsync(TestContext.Current.CancellationToken);
            await using var tamper = file.CreateCommand();
            tamper.CommandText = "UPDATE journal SET amount = 600 WHERE grain_id = 'volunteer/ben' AND sequence = 3";
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
        }

        var broken = await VerifyAsync(client, "riverside");
        Assert.False(broken.Intact);
        Assert.Equal(("volunteer/ben", 3L), (broken.FirstBroken.GrainId, broken.FirstBroken.Sequence));
        Assert.Contains("does not hash", broken.FirstBroken.Problem, StringComparison.Ordinal);
        Assert.True((await VerifyAsync(client, "hillside")).Intact);
    }

    private static async Task<VerifyJournalProgress> VerifyAsync(Client.TimeBankClient client, string community)
    {
        VerifyJournalProgress? last = null;
        await foreach (var progress in client.VerifyJournalAsync(new VerifyJournalRequest { CommunityId = community }, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.False(last?.Done ?? false, "nothing follows the last message");
            last = progress;
        }

        Assert.True(last?.Done, "the stream ends with done = true");
        return last!;
    }
}
