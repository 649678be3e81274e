using TimeBank.Runtime;

namespace TimeBank.Grains.Activities;

/// <summary>One volunteer activity: its description, who has a place and who waits. Keyed by activity id.</summary>
public interface IActivityGrain : IGrainWithStringKey, IScopedGrain
{
    /// <summary>Publishes the activity; the same content again changes nothing (<c>Created</c> false).</summary>
    Task<Result<ActivityPublication>> PublishActivityAsync(PublishActivity command);

    Task<Result<ActivityDetails>> GetActivityAsync();

    /// <summary>A place while there is one, else the waiting list, in arrival order.</summary>
    Task<Result<SignUpPlace>> SignUpAsync(SignUp command);

    /// <summary>Off the activity or its waiting list; a freed place goes to the first volunteer waiting.</summary>
    Task<Result<Withdrawal>> WithdrawAsync(Withdraw command);

    Task<Result<ActivityCancellation>> CancelActivityAsync(CancelActivity command);

    /// <summary>Credits each attendee once, also across retries, repeats and crashes (a reminder finishes an interrupted one).</summary>
    Task<Result<AttendanceConfirmation>> ConfirmAttendanceAsync(ConfirmAttendance command);
}
