using TimeBank.Runtime;

namespace TimeBank.Grains.Activities;

/// <summary>
/// One volunteer's activities, keyed by volunteer id: what ListVolunteerActivities reads. Each activity
/// reports a volunteer's standing here after it changed; a report carries the activity's change version, so
/// a late or repeated one never undoes a newer one.
/// </summary>
public interface IVolunteerActivitiesGrain : IGrainWithStringKey
{
    Task<Result<VolunteerActivities>> ListVolunteerActivitiesAsync();

    /// <summary>An activity's report of where the volunteer stands; called by the activity's grain only.</summary>
    Task<Result<VolunteerActivity>> RecordStandingAsync(RecordStanding command);
}

public enum Standing
{
    SignedUp = 1,
    Waiting = 2,
    Withdrawn = 3,
    Attended = 4,
}

/// <param name="MinutesCredited">When attended: the minutes credited; else 0.</param>
public sealed record VolunteerActivity(
    string ActivityId, string CommunityId, string Title, DateTimeOffset StartsAt, ActivityStatus ActivityStatus, Standing Standing, long MinutesCredited);

public sealed record RecordStanding(RequestKey Request, VolunteerActivity Activity, long Version);

/// <param name="Activities">Latest start first.</param>
public sealed record VolunteerActivities(string VolunteerId, IReadOnlyList<VolunteerActivity> Activities);
