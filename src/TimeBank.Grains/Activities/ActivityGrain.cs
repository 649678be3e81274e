using TimeBank.Contracts.V1;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Internal;
using TimeBank.Grains.Volunteers;
using TimeBank.Runtime;

namespace TimeBank.Grains.Activities;

/// <summary>
/// One activity. Its turns are the order of arrival: sign-ups are taken one at a time, so a place is given
/// exactly once however many arrive together, and the waiting list is the order the grain served them.
/// </summary>
public sealed partial class ActivityGrain(PolicyCache policies, TimeBankGrainOptions options) : TimeBankGrain<ActivityState>, IActivityGrain, IRemindable
{
    public const string TypeName = "activity";

    public const int MaxCapacity = 100_000;

    public const int MaxDescriptionLength = 2_000;

    private const string ListingReminder = "listing";

    private const string StandingsReminder = "standings";

    private static readonly TimeSpan ListingRetryInterval = TimeSpan.FromSeconds(5);

    private string ActivityId => GrainId.Key;

    public Task<GrainOwner> GetOwnerAsync() => Task.FromResult(StateExists ? new GrainOwner(State.CommunityId) : GrainOwner.None);

    public async Task<Result<ActivityPublication>> PublishActivityAsync(PublishActivity command)
    {
        if (Validate(command) is { } invalid)
        {
            return invalid;
        }

        var rules = await policies.GetForCategoryAsync(GrainFactory, command.CommunityId, command.Category);
        if (!rules.Succeeded)
        {
            return rules.Failure;
        }

        if (command.MinutesPerVolunteer > rules.Value.Settings.MaxMinutesPerDeposit)
        {
            return Failure.Of(ErrorReasons.MinutesPerVolunteerOutOfRange, ("value", command.MinutesPerVolunteer), ("max", rules.Value.Settings.MaxMinutesPerDeposit));
        }

        var published = await MutateAsync(command.Request, command, Result<ActivityPublication> (c, changes) =>
        {
            if (StateExists)
            {
                return SameAs(c)
                    ? new ActivityPublication(Profile(), Created: false)
                    : Failure.Of(ErrorReasons.ActivityIdTaken, ("activity_id", ActivityId));
            }

            State.CommunityId = c.CommunityId;
            State.Category = c.Category;
            State.Title = c.Title.Trim();
            State.Description = c.Description;
            State.Place = c.Place;
            State.StartsAt = c.StartsAt;
            State.EndsAt = c.EndsAt;
            State.MinutesPerVolunteer = c.MinutesPerVolunteer;
            State.Capacity = c.Capacity;
            State.SignUpDeadline = c.SignUpDeadline;
            State.OpenToOtherCommunities = c.OpenToOtherCommunities;
            State.PublishedAt = changes.Now;
            ListingChanged(changes);
            return new ActivityPublication(Profile(), Created: true);
        });
        await ReportListingAsync();
        return published;
    }

    public Task<Result<ActivityDetails>> GetActivityAsync()
    {
        Result<ActivityDetails> result = StateExists
            ? new ActivityDetails(Profile(), State.SignedUp.ToArray(), State.Waiting.ToArray())
            : Failure.Of(ErrorReasons.ActivityNotFound, ("activity_id", ActivityId));
        return Task.FromResult(result);
    }

    public async Task<Result<SignUpPlace>> SignUpAsync(SignUp command)
    {
        if (RequestValidation.VolunteerRequest(command.Request, command.VolunteerId) is { } invalid)
        {
            return invalid;
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.ActivityNotFound, ("activity_id", ActivityId));
        }

        // The volunteer's grain never calls an activity, so asking it from this turn cannot form a cycle.
        var volunteer = await GrainFactory.GetGrain<IVolunteerGrain>(command.VolunteerId).GetOwnerAsync();
        if (!volunteer.Exists)
        {
            return Failure.Of(ErrorReasons.VolunteerNotFound, ("volunteer_id", command.VolunteerId));
        }

        var signedUp = await MutateAsync(command.Request, command, Result<SignUpPlace> (c, changes) =>
        {
            if (Standing(c.VolunteerId) is { } already)
            {
                return already; // signed up before: where the volunteer stands, nothing changes
            }

            if (State.Status == ActivityStatus.Cancelled)
            {
                return Failure.Of(ErrorReasons.ActivityCancelled, ("activity_id", ActivityId));
            }

            if (changes.Now > State.SignUpDeadline)
            {
                return Failure.Of(ErrorReasons.SignUpClosed, ("activity_id", ActivityId), ("deadline", State.SignUpDeadline.ToString("O")));
            }

            if (volunteer.CommunityId != State.CommunityId && !State.OpenToOtherCommunities)
            {
                return Failure.Of(ErrorReasons.NotOpenToCommunity, ("what", "Activity"), ("id", ActivityId), ("community_id", volunteer.CommunityId));
            }

            (State.SignedUp.Count < State.Capacity ? State.SignedUp : State.Waiting).Add(c.VolunteerId);
            StandingsChanged(changes, c.VolunteerId);
            return Standing(c.VolunteerId)!;
        });
        await ReportStandingsAsync();
        return signedUp;
    }

    public async Task<Result<Withdrawal>> WithdrawAsync(Withdraw command)
    {
        if (RequestValidation.VolunteerRequest(command.Request, command.VolunteerId) is { } invalid)
        {
            return invalid;
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.ActivityNotFound, ("activity_id", ActivityId));
        }

        var withdrawn = await MutateAsync(command.Request, command, Result<Withdrawal> (c, changes) =>
        {
            if (changes.Now >= State.StartsAt)
            {
                return Failure.Of(ErrorReasons.ActivityStarted, ("activity_id", ActivityId), ("starts_at", State.StartsAt.ToString("O")));
            }

            var promoted = "";
            if (State.SignedUp.Remove(c.VolunteerId))
            {
                if (State.Waiting.Count > 0 && State.SignedUp.Count < State.Capacity)
                {
                    promoted = State.Waiting[0];
                    State.Waiting.RemoveAt(0);
                    State.SignedUp.Add(promoted);
                }
            }
            else if (!State.Waiting.Remove(c.VolunteerId))
            {
                return Failure.Of(ErrorReasons.NotSignedUp, ("volunteer_id", c.VolunteerId), ("activity_id", ActivityId));
            }

            StandingsChanged(changes, promoted.Length > 0 ? [c.VolunteerId, promoted] : [c.VolunteerId]);
            return new Withdrawal(ActivityId, c.VolunteerId, promoted);
        });
        await ReportStandingsAsync();
        return withdrawn;
    }

    public async Task<Result<ActivityCancellation>> CancelActivityAsync(CancelActivity command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!Identifiers.IsValidMemo(command.Reason))
        {
            return Failure.Of(ErrorReasons.InvalidReason, ("max", Identifiers.MaxMemoLength));
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.ActivityNotFound, ("activity_id", ActivityId));
        }

        var cancelled = await MutateAsync(command.Request, command, Result<ActivityCancellation> (c, changes) =>
        {
            if (State.Attendance.Count > 0)
            {
                return Failure.Of(ErrorReasons.AttendanceConfirmed, ("what", $"Activity '{ActivityId}' has confirmed attendance and can no longer be cancelled."));
            }

            if (State.Status != ActivityStatus.Cancelled)
            {
                State.Status = ActivityStatus.Cancelled;
                State.CancelReason = c.Reason;
                ListingChanged(changes);
                StandingsChanged(changes, [.. State.SignedUp, .. State.Waiting]);
            }

            return new ActivityCancellation(Profile());
        });
        await ReportListingAsync();
        await ReportStandingsAsync();
        return cancelled;
    }

    /// <summary>Notes volunteers whose standing changed, with a reminder that reports them should the report below not happen.</summary>
    private void StandingsChanged(Changes changes, params IEnumerable<string> volunteers)
    {
        State.ChangeVersion++;
        State.StandingsToReport.UnionWith(volunteers);
        SetReminder(StandingsReminder, changes.Now + ListingRetryInterval, ListingRetryInterval);
        changes.StateWasChanged();
    }

    /// <summary>
    /// Reports each changed standing to its volunteer's activity list, after this grain's own write, all at once.
    /// What was acknowledged leaves the pending set in memory only: the next write stores that, and a crash
    /// before it just reports again (versioned, so harmlessly).
    /// </summary>
    private async Task ReportStandingsAsync()
    {
        if (StateDiscarded || !StateExists || State.StandingsToReport.Count == 0)
        {
            return;
        }

        var version = State.ChangeVersion;
        var reported = await Task.WhenAll(State.StandingsToReport.ToArray().Select(async volunteer =>
        {
            try
            {
                await options.StepHook("activity.standing");
                var recorded = await GrainFactory.GetGrain<IVolunteerActivitiesGrain>(volunteer).RecordStandingAsync(
                    new RecordStanding(new RequestKey(SystemCallers.Activities, $"{GrainId}/standing/{volunteer}/{version}"), StandingOf(volunteer), version));
                return recorded.Succeeded ? volunteer : null;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return null; // the reminder reports it again
            }
        }));
        if (StateDiscarded)
        {
            return;
        }

        State.StandingsToReport.ExceptWith(reported.OfType<string>());
        if (State.StandingsToReport.Count == 0)
        {
            ClearReminder(StandingsReminder);
        }
    }

    private VolunteerActivity StandingOf(string volunteerId)
    {
        var credited = State.Attendance.GetValueOrDefault(volunteerId) is { Credited: true } attended ? attended.Minutes : 0;
        var standing = credited > 0 ? Activities.Standing.Attended
            : State.SignedUp.Contains(volunteerId) ? Activities.Standing.SignedUp
            : State.Waiting.Contains(volunteerId) ? Activities.Standing.Waiting
            : Activities.Standing.Withdrawn;
        return new VolunteerActivity(ActivityId, State.CommunityId, State.Title, State.StartsAt, State.Status, standing, credited);
    }

    /// <summary>Marks the listing changed, with a reminder that reports it should the report below not happen.</summary>
    private void ListingChanged(Changes changes)
    {
        State.ListingVersion++;
        SetReminder(ListingReminder, changes.Now + ListingRetryInterval, ListingRetryInterval);
        changes.StateWasChanged();
    }

    /// <summary>
    /// Reports this activity to its community's list, after its own write (a list never shows what was not
    /// stored), then notes it was acknowledged. A failure here is not the caller's: the reminder tries again.
    /// </summary>
    private async Task ReportListingAsync()
    {
        if (StateDiscarded || !StateExists || State.ListedVersion >= State.ListingVersion)
        {
            return;
        }

        var version = State.ListingVersion;
        var listing = new ActivityListing(ActivityId, State.Category, State.Title, State.StartsAt, State.EndsAt, State.Status, State.OpenToOtherCommunities);
        try
        {
            await options.StepHook("activity.stored");
            var recorded = await GrainFactory.GetGrain<IActivityDirectoryGrain>(State.CommunityId).RecordListingAsync(
                new RecordListing(new RequestKey(SystemCallers.Activities, $"{GrainId}/listing/{version}"), listing, version));
            if (!recorded.Succeeded || StateDiscarded)
            {
                return;
            }

            await MutateAsync(new RequestKey(SystemCallers.Activities, $"{GrainId}/listed/{version}"), SystemCallers.Activities, lookUpFirst: false, version,
                Result<ActivityListing> (v, changes) =>
                {
                    State.ListedVersion = Math.Max(State.ListedVersion, v);
                    if (State.ListedVersion >= State.ListingVersion)
                    {
                        ClearReminder(ListingReminder);
                    }

                    changes.StateWasChanged();
                    return listing;
                });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The caller's change is stored; the list catches up when the reminder reports again.
        }
    }

    private SignUpPlace? Standing(string volunteerId)
    {
        if (State.SignedUp.Contains(volunteerId))
        {
            return new SignUpPlace(ActivityId, volunteerId, SignUpStatus.SignedUp, 0);
        }

        var waiting = State.Waiting.IndexOf(volunteerId);
        return waiting >= 0 ? new SignUpPlace(ActivityId, volunteerId, SignUpStatus.Waiting, waiting + 1) : null;
    }

    private bool SameAs(PublishActivity c)
        => State.CommunityId == c.CommunityId && State.Category == c.Category && State.Title == c.Title.Trim() && State.Description == c.Description
           && State.Place == c.Place && State.StartsAt == c.StartsAt && State.EndsAt == c.EndsAt && State.MinutesPerVolunteer == c.MinutesPerVolunteer
           && State.Capacity == c.Capacity && State.SignUpDeadline == c.SignUpDeadline && State.OpenToOtherCommunities == c.OpenToOtherCommunities;

    private ActivityProfile Profile() => new(
        ActivityId, State.CommunityId, State.Category, State.Title, State.Description, State.Place, State.StartsAt, State.EndsAt,
        State.MinutesPerVolunteer, State.Capacity, State.SignUpDeadline, State.OpenToOtherCommunities, State.Status,
        State.SignedUp.Count, State.Waiting.Count, State.PublishedAt);


    private Failure? Validate(PublishActivity command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!Identifiers.IsValidId(command.CommunityId))
        {
            return Failure.Of(ErrorReasons.InvalidCommunityId, ("value", command.CommunityId));
        }

        if (!Identifiers.IsValidDisplayName(command.Title))
        {
            return Failure.Of(ErrorReasons.InvalidTitle);
        }

        if (command.Description.Length > MaxDescriptionLength || command.Description.Any(ch => char.IsControl(ch) && ch is not '\n' and not '\r'))
        {
            return Failure.Of(ErrorReasons.InvalidDescription, ("max", MaxDescriptionLength));
        }

        if (!Identifiers.IsValidMemo(command.Place))
        {
            return Failure.Of(ErrorReasons.InvalidPlace, ("max", Identifiers.MaxMemoLength));
        }

        if (command.StartsAt == default || command.EndsAt <= command.StartsAt || command.SignUpDeadline == default || command.SignUpDeadline > command.StartsAt)
        {
            return Failure.Of(ErrorReasons.ActivityTimesInvalid,
                ("starts_at", command.StartsAt.ToString("O")), ("ends_at", command.EndsAt.ToString("O")), ("sign_up_deadline", command.SignUpDeadline.ToString("O")));
        }

        if (command.MinutesPerVolunteer is <= 0 or > Ledger.Amounts.MaxMinutesPerDeposit)
        {
            return Failure.Of(ErrorReasons.MinutesPerVolunteerOutOfRange, ("value", command.MinutesPerVolunteer), ("max", Ledger.Amounts.MaxMinutesPerDeposit));
        }

        if (command.Capacity is < 1 or > MaxCapacity)
        {
            return Failure.Of(ErrorReasons.CapacityOutOfRange, ("value", command.Capacity), ("max", MaxCapacity));
        }

        return ActivityId.Length > 0 ? null : Failure.Of(ErrorReasons.InvalidActivityId, ("value", ActivityId));
    }
}
