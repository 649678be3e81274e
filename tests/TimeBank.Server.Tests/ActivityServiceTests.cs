using Google.Protobuf.WellKnownTypes;
using TimeBank.Contracts.V1;
using TimeBank.Rpc;

namespace TimeBank.Server.Tests;

/// <summary>Activities over the wire, against the real server on SQLite with the project's client.</summary>
public sealed class ActivityServiceTests
{
    private static PublishActivityRequest Tea(string id, int capacity = 1) => new()
    {
        RequestId = "p-" + id, ActivityId = id, CommunityId = "riverside", Category = "elder-care", Title = "Tea with elders", Place = "Hall",
        StartsAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(7)), EndsAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(7).AddHours(2)),
        SignUpDeadline = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(6)), MinutesPerVolunteer = 90, Capacity = capacity,
    };

    [Fact]
    public async Task An_activity_is_published_signed_up_for_with_a_waiting_list_and_read_back()
    {
        await using var running = await RunningServer.StartAsync();
        var client = running.Client;
        foreach (var v in new[] { "ana", "ben" })
        {
            await client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = "r-" + v, VolunteerId = v, DisplayName = v, CommunityId = "riverside" });
        }

        var published = await client.PublishActivityAsync(Tea("tea"));
        Assert.Equal((true, ActivityStatus.Open, 90L), (published.Created, published.Activity.Status, published.Activity.MinutesPerVolunteer));

        Assert.Equal(SignUpStatus.SignedUp, (await client.SignUpAsync(new SignUpRequest { RequestId = "s1", ActivityId = "tea", VolunteerId = "ana" })).Status);
        var waiting = await client.SignUpAsync(new SignUpRequest { RequestId = "s2", ActivityId = "tea", VolunteerId = "ben" });
        Assert.Equal((SignUpStatus.Waiting, 1), (waiting.Status, waiting.WaitingPosition));

        var withdrawn = await client.WithdrawAsync(new WithdrawRequest { RequestId = "w1", ActivityId = "tea", VolunteerId = "ana" });
        Assert.Equal("ben", withdrawn.PromotedVolunteerId);
        var read = await client.GetActivityAsync(new GetActivityRequest { ActivityId = "tea" });
        Assert.Equal(["ben"], read.SignedUpVolunteerIds);
        Assert.Equal((1, 0), (read.Activity.SignedUp, read.Activity.Waiting));
    }

    [Fact]
    public async Task Bad_activity_calls_get_their_status_reason_and_field()
    {
        await using var running = await RunningServer.StartAsync();
        var client = running.Client;

        var times = Tea("late");
        times.SignUpDeadline = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(8));
        var badTimes = await Assert.ThrowsAsync<RpcException>(() => client.PublishActivityAsync(times));
        Assert.Equal((StatusCode.InvalidArgument, "ACTIVITY_TIMES_INVALID"), (badTimes.StatusCode, badTimes.Reason));
        Assert.Equal("starts_at", Assert.Single(badTimes.FieldViolations).Field);

        var missing = await Assert.ThrowsAsync<RpcException>(() => client.GetActivityAsync(new GetActivityRequest { ActivityId = "nothing" }));
        Assert.Equal((StatusCode.NotFound, "ACTIVITY_NOT_FOUND"), (missing.StatusCode, missing.Reason));

        await client.PublishActivityAsync(Tea("tea"));
        var nobody = await Assert.ThrowsAsync<RpcException>(() => client.WithdrawAsync(new WithdrawRequest { RequestId = "w1", ActivityId = "tea", VolunteerId = "ana" }));
        Assert.Equal((StatusCode.FailedPrecondition, "NOT_SIGNED_UP"), (nobody.StatusCode, nobody.Reason));
        var badVolunteer = await Assert.ThrowsAsync<RpcException>(() => client.SignUpAsync(new SignUpRequest { RequestId = "s1", ActivityId = "tea", VolunteerId = new string('v', 1_000) }));
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_VOLUNTEER_ID"), (badVolunteer.StatusCode, badVolunteer.Reason));
    }
}
