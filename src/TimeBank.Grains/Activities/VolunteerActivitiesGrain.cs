using TimeBank.Contracts.V1;
using TimeBank.Grains.Internal;
using TimeBank.Grains.Volunteers;

namespace TimeBank.Grains.Activities;

/// <summary>One volunteer's activities, as the activities reported them, each with the version it came with.</summary>
public sealed class VolunteerActivitiesGrain : TimeBankGrain<VolunteerActivitiesState>, IVolunteerActivitiesGrain
{
    public const string TypeName = "volunteer-activities";

    public async Task<Result<VolunteerActivities>> ListVolunteerActivitiesAsync()
    {
        if (!StateExists && !(await GrainFactory.GetGrain<IVolunteerGrain>(GrainId.Key).GetOwnerAsync()).Exists)
        {
            return Failure.Of(ErrorReasons.VolunteerNotFound, ("volunteer_id", GrainId.Key));
        }

        var activities = State.Activities.Values.Select(a => a.Activity)
            .OrderByDescending(a => a.StartsAt).ThenBy(a => a.ActivityId, StringComparer.Ordinal).ToArray();
        return new VolunteerActivities(GrainId.Key, activities);
    }

    public async Task<Result<VolunteerActivity>> RecordStandingAsync(RecordStanding command)
        => await MutateAsync(command.Request, command.Request.CallerKeyId, lookUpFirst: true, command, Result<VolunteerActivity> (c, changes) =>
        {
            if (State.Activities.GetValueOrDefault(c.Activity.ActivityId) is { } kept && kept.Version >= c.Version)
            {
                return kept.Activity; // a late or repeated report: the newer one stays
            }

            State.Activities[c.Activity.ActivityId] = new ReportedStanding(c.Activity, c.Version);
            changes.StateWasChanged();
            return c.Activity;
        });
}

public sealed class VolunteerActivitiesState : IJournaledState
{
    public Dictionary<string, ReportedStanding> Activities { get; set; } = new(StringComparer.Ordinal);

    public long JournalSequence { get; set; }

    public byte[] JournalHash { get; set; } = [];
}

public sealed record ReportedStanding(VolunteerActivity Activity, long Version);
