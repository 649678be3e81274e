using TimeBank.Contracts.V1;
using TimeBank.Grains.Reports;
using TimeBank.Grains.Volunteers;

namespace TimeBank.Grains.Activities;

/// <summary>
/// Confirming attendance credits each attendee exactly once, in two durable steps: (1) the confirmed minutes
/// are recorded here, with a <c>credits</c> reminder, in the write that answers the caller's request id;
/// (2) each attendee's volunteer grain credits them as a deposit keyed by activity and volunteer (so a
/// repeat finds the first), and the credits are marked here. A crash anywhere leaves (1) recorded and the
/// reminder due: it takes up whatever is not yet marked, after a restart too, without a new call.
/// </summary>
public sealed partial class ActivityGrain
{
    public const int MaxAttendeesPerCall = 1_000;

    private const string CreditsReminder = "credits";

    private static readonly TimeSpan CreditRetryInterval = TimeSpan.FromSeconds(5);

    public async Task<Result<AttendanceConfirmation>> ConfirmAttendanceAsync(ConfirmAttendance command)
    {
        if (Validate(command) is { } invalid)
        {
            return invalid;
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.ActivityNotFound, ("activity_id", ActivityId));
        }

        // Looked up first: what follows drives the credits from this state, so it must be the stored one.
        var recorded = await MutateAsync(command.Request, command.Request.CallerKeyId, lookUpFirst: true, command, Result<AttendanceConfirmation> (c, changes) =>
        {
            if (State.Status == ActivityStatus.Cancelled)
            {
                return Failure.Of(ErrorReasons.ActivityCancelled, ("activity_id", ActivityId));
            }

            if (changes.Now < State.StartsAt)
            {
                return Failure.Of(ErrorReasons.ActivityNotStarted, ("activity_id", ActivityId), ("starts_at", State.StartsAt.ToString("O")));
            }

            foreach (var attendee in c.Attendees)
            {
                if (attendee.Minutes < 1 || attendee.Minutes > State.MinutesPerVolunteer)
                {
                    return Failure.Of(ErrorReasons.AttendanceMinutesOutOfRange, ("volunteer_id", attendee.VolunteerId), ("max", State.MinutesPerVolunteer), ("value", attendee.Minutes));
                }

                if (!State.SignedUp.Contains(attendee.VolunteerId))
                {
                    return Failure.Of(ErrorReasons.NotSignedUp, ("volunteer_id", attendee.VolunteerId), ("activity_id", ActivityId));
                }

                if (State.Attendance.GetValueOrDefault(attendee.VolunteerId) is { } earlier && earlier.Minutes != attendee.Minutes)
                {
                    return Failure.Of(ErrorReasons.AttendanceConfirmed, ("what", $"Volunteer '{attendee.VolunteerId}' was confirmed with {earlier.Minutes} minutes; a confirmation is not changed."));
                }
            }

            if (State.Attendance.Count == 0 && c.Attendees.Count > 0)
            {
                changes.Count(State.CommunityId, Figures.ActivitiesHeld, State.Category, 1); // held: its first attendance is confirmed
            }

            foreach (var attendee in c.Attendees.Where(a => !State.Attendance.ContainsKey(a.VolunteerId)))
            {
                State.Attendance[attendee.VolunteerId] = new AttendanceRecord { Minutes = attendee.Minutes, ActorKeyId = changes.ActorKeyId };
                SetReminder(CreditsReminder, changes.Now + CreditRetryInterval, CreditRetryInterval);
                changes.StateWasChanged();
            }

            return new AttendanceConfirmation(ActivityId, []); // the credits are read from state once they are done
        });
        if (!recorded.Succeeded)
        {
            return recorded.Failure;
        }

        if (StateDiscarded || command.Attendees.Any(a => !State.Attendance.ContainsKey(a.VolunteerId)))
        {
            Discard(); // recorded by an activation whose state this one has not seen; the next call reloads
            return Failure.Of(ErrorReasons.TransferInProgress, ("transfer_id", $"{GrainId}/attendance"));
        }

        await options.StepHook("attendance.recorded");
        await CreditPendingAsync();
        var records = command.Attendees.Select(a => (a.VolunteerId, Record: State.Attendance[a.VolunteerId])).ToArray();
        return records.All(r => r.Record.Credited)
            ? new AttendanceConfirmation(ActivityId, records.Select(r => new AttendanceCredit(r.VolunteerId, r.Record.Minutes, r.Record.Points, r.Record.HoursTransferId)).ToArray())
            : Failure.Of(ErrorReasons.TransferInProgress, ("transfer_id", $"{GrainId}/attendance"));
    }

    public Task ReceiveReminderAsync(string name, DateTimeOffset due) => name switch
    {
        CreditsReminder => CreditPendingAsync(),
        ListingReminder => ReportListingAsync(),
        StandingsReminder => ReportStandingsAsync(),
        _ => Task.CompletedTask, // a reminder of an older version of this grain: let it lapse
    };

    /// <summary>Step (2) for every attendee not yet credited: all at once, then one write that marks them.</summary>
    private async Task CreditPendingAsync()
    {
        var pending = State.Attendance.Where(a => !a.Value.Credited).Select(a => (VolunteerId: a.Key, Record: a.Value)).ToArray();
        if (pending.Length == 0)
        {
            ClearReminder(CreditsReminder); // stored by the host after a reminder's call
            return;
        }

        var outcomes = await Task.WhenAll(pending.Select(async p =>
        {
            try
            {
                await options.StepHook("attendance.credit");
                var credited = await GrainFactory.GetGrain<IVolunteerGrain>(p.VolunteerId).CreditServiceAsync(new CreditService(
                    new RequestKey(SystemCallers.Activities, $"{GrainId}/{p.VolunteerId}"), p.Record.ActorKeyId, ActivityId, State.CommunityId,
                    p.Record.Minutes, State.Category));
                return (p.VolunteerId, Receipt: credited.Value);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return (p.VolunteerId, Receipt: (DepositReceipt?)null); // unknown: asked again next time, and a credit is never repeated
            }
        }));

        var done = outcomes.Where(o => o.Receipt is not null).ToArray();
        if (done.Length == 0 || StateDiscarded)
        {
            return;
        }

        await options.StepHook("attendance.credited"); // the volunteers have their credits; this grain has not marked them yet

        await MutateAsync(new RequestKey(SystemCallers.Activities, $"{GrainId}/credited/{State.CreditWrites + 1}"), SystemCallers.Activities, lookUpFirst: false, done.Length,
            Result<AttendanceConfirmation> (_, changes) =>
            {
                foreach (var (volunteerId, receipt) in done)
                {
                    var record = State.Attendance[volunteerId];
                    record.Credited = true;
                    record.Points = receipt!.PointsAwarded;
                    record.HoursTransferId = receipt.HoursTransferId;
                }

                State.CreditWrites++;
                if (State.Attendance.Values.All(a => a.Credited))
                {
                    ClearReminder(CreditsReminder);
                }

                StandingsChanged(changes, done.Select(d => d.VolunteerId));
                return new AttendanceConfirmation(ActivityId, []);
            });
        await ReportStandingsAsync();
    }

    private static Failure? Validate(ConfirmAttendance command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (command.Attendees.Count is 0 or > MaxAttendeesPerCall)
        {
            return Failure.Of(ErrorReasons.AttendeesOutOfRange, ("max", MaxAttendeesPerCall), ("problem", $"got {command.Attendees.Count}"));
        }

        if (command.Attendees.FirstOrDefault(a => !Identifiers.IsValidId(a.VolunteerId)) is { } malformed)
        {
            return Failure.Of(ErrorReasons.InvalidVolunteerId, ("value", malformed.VolunteerId));
        }

        return command.Attendees.Select(a => a.VolunteerId).Distinct(StringComparer.Ordinal).Count() == command.Attendees.Count
            ? null
            : Failure.Of(ErrorReasons.AttendeesOutOfRange, ("max", MaxAttendeesPerCall), ("problem", "a volunteer is listed twice"));
    }
}
