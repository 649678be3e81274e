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
    public async Task Attendance_is_confirmed_once_the_activity_started_and_credits_the_volunteer_over_the_wire()
    {
        await using var running = await RunningServer.StartAsync();
        var client = running.Client;
        await client.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = "r-ana", VolunteerId = "ana", DisplayName = "Ana", CommunityId = "hillside" });
        var startsAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var tea = Tea("soon");
        tea.OpenToOtherCommunities = true;
        tea.SignUpDeadline = Timestamp.FromDateTimeOffset(startsAt.AddSeconds(-1));
        tea.StartsAt = Timestamp.FromDateTimeOffset(startsAt);
        tea.EndsAt = Timestamp.FromDateTimeOffset(startsAt.AddHours(1));
        await client.PublishActivityAsync(tea);
        await client.SignUpAsync(new SignUpRequest { RequestId = "s1", ActivityId = "soon", VolunteerId = "ana" });
        var confirm = new ConfirmAttendanceRequest { RequestId = "c1", ActivityId = "soon", Attendees = { new AttendanceEntry { VolunteerId = "ana", Minutes = 60 } } };

        var early = await Assert.ThrowsAsync<RpcException>(() => client.ConfirmAttendanceAsync(confirm));
        Assert.Equal((StatusCode.FailedPrecondition, "ACTIVITY_NOT_STARTED"), (early.StatusCode, early.Reason));
        await Task.Delay(startsAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);

        // The early refusal is request c1's answer for good: retried once the activity has started, c1 is refused
        // again (a retry never turns a refusal into a success); a new attempt takes a new id.
        var retriedEarly = await Assert.ThrowsAsync<RpcException>(() => client.ConfirmAttendanceAsync(confirm));
        Assert.Equal((StatusCode.FailedPrecondition, "ACTIVITY_NOT_STARTED"), (retriedEarly.StatusCode, retriedEarly.Reason));
        confirm.RequestId = "c2";
        var confirmed = await client.ConfirmAttendanceAsync(confirm);
        var credit = Assert.Single(confirmed.Credited);
        Assert.Equal(("ana", 60L, 10L, "volunteer/ana#1"), (credit.VolunteerId, credit.Minutes, credit.Points, credit.HoursTransferId));
        Assert.Equal(confirmed, await client.ConfirmAttendanceAsync(confirm));
        Assert.Equal(60, (await client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = "ana" })).HoursMinutes);
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
