using TimeBank.Contracts.V1;
using TimeBank.Grains.Activities;
using TimeBank.Testing;
using ActivityStatus = TimeBank.Grains.Activities.ActivityStatus;
using AttendanceEntry = TimeBank.Grains.Activities.AttendanceEntry;
using Standing = TimeBank.Grains.Activities.Standing;
using VolunteerActivity = TimeBank.Grains.Activities.VolunteerActivity;

namespace TimeBank.Grains.Tests;

public sealed class VolunteerActivitiesTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 20, 9, 0, 0, TimeSpan.Zero);

    private static PublishActivity Publication(int day, int capacity = 1) => new(
        TestRequests.NewKey(), "riverside", "culture", $"Day {day}", "", "Hall", Start.AddDays(day), Start.AddDays(day).AddHours(2), 60, capacity, Start.AddDays(day - 1), false);

    private static async Task<IReadOnlyList<VolunteerActivity>> ListAsync(GrainTestHost test, string volunteer)
        => (await test.Host.GetGrain<IVolunteerActivitiesGrain>(volunteer).ListVolunteerActivitiesAsync()).Value!.Activities;

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_volunteers_places_waiting_withdrawals_attendance_and_cancellations_are_listed_latest_first(string provider)
    {
        var clock = new ManualClock();
        await using var test = await GrainTestHost.StartAsync(provider, clock: clock);
        await TransferHoursTests.VolunteerAsync(test, "ana", "riverside");
        await TransferHoursTests.VolunteerAsync(test, "ben", "riverside");
        var concert = test.Host.GetGrain<IActivityGrain>("concert");
        var reading = test.Host.GetGrain<IActivityGrain>("reading");
        await concert.PublishActivityAsync(Publication(0));
        await reading.PublishActivityAsync(Publication(3, capacity: 5));
        await concert.SignUpAsync(new SignUp(TestRequests.NewKey(), "ana"));
        await concert.SignUpAsync(new SignUp(TestRequests.NewKey(), "ben"));
        await reading.SignUpAsync(new SignUp(TestRequests.NewKey(), "ana"));

        Assert.Equal([("reading", Standing.SignedUp), ("concert", Standing.SignedUp)], (await ListAsync(test, "ana")).Select(a => (a.ActivityId, a.Standing)));
        Assert.Equal(Standing.Waiting, Assert.Single(await ListAsync(test, "ben")).Standing);

        await concert.WithdrawAsync(new Withdraw(TestRequests.NewKey(), "ana"));
        await reading.CancelActivityAsync(new CancelActivity(TestRequests.NewKey(), "the reader is ill"));
        clock.Advance(Start - clock.GetUtcNow());
        Assert.True((await concert.ConfirmAttendanceAsync(new ConfirmAttendance(TestRequests.NewKey(), [new AttendanceEntry("ben", 45)]))).Succeeded);

        await test.RestartAsync();
        var ana = await ListAsync(test, "ana");
        Assert.Equal([("reading", Standing.SignedUp, ActivityStatus.Cancelled), ("concert", Standing.Withdrawn, ActivityStatus.Open)],
            ana.Select(a => (a.ActivityId, a.Standing, a.ActivityStatus)));
        var ben = Assert.Single(await ListAsync(test, "ben"));
        Assert.Equal((Standing.Attended, 45L, "Day 0"), (ben.Standing, ben.MinutesCredited, ben.Title));
        Assert.Equal(ErrorReasons.VolunteerNotFound, (await test.Host.GetGrain<IVolunteerActivitiesGrain>("ghost").ListVolunteerActivitiesAsync()).Reason());
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_standing_whose_report_was_cut_off_reaches_the_list_from_the_reminder(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        await TransferHoursTests.VolunteerAsync(test, "ana", "riverside");
        var concert = test.Host.GetGrain<IActivityGrain>("concert");
        await concert.PublishActivityAsync(Publication(30));
        await test.RestartAsync(new TimeBankGrainOptions { StepHook = s => s == "activity.standing" ? throw new InvalidOperationException("crash") : Task.CompletedTask });
        Assert.True((await test.Host.GetGrain<IActivityGrain>("concert").SignUpAsync(new SignUp(TestRequests.NewKey(), "ana"))).Succeeded);
        Assert.Empty(await ListAsync(test, "ana"));

        await test.RestartAsync();
        await TransferHoursTests.WaitUntilAsync(async () => (await ListAsync(test, "ana")).Count == 1);
    }
}
