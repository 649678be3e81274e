using TimeBank.Ledger;

namespace TimeBank.Grains;

public sealed class TimeBankGrainOptions
{
    /// <summary>Points per hour of service in the default policy a new community gets when created without one.</summary>
    public long PointsPerHour { get; set; } = 10;

    /// <summary>
    /// Called between the steps of a transfer or a reversal with the step just made durable ("transfer.held",
    /// "transfer.credited", "reversal.recorded", "reversal.returned", "attendance.recorded", "attendance.credit" before each
    /// attendee's credit, "attendance.credited" before the credits are marked, "activity.stored" before an activity
    /// reports itself to its community's list). For fault-injection tests: throwing there is a crash at that point — what is
    /// stored stays, and the rest is left to the transfer's reminder. Does nothing by default.
    /// </summary>
    public Func<string, Task> StepHook { get; set; } = static _ => Task.CompletedTask;

    /// <summary>
    /// How long a volunteer keeps an ended hold or transfer in its state: within it, a post of a posted hold
    /// says so and a transfer's outcome is read from state; after it they are dropped, so state stays bounded.
    /// A transfer's outcome stays answerable for good from its stored settlement, and it can still be reversed.
    /// </summary>
    public TimeSpan EndedRecordRetention { get; set; } = TimeSpan.FromDays(1);

    public void Validate()
    {
        if (EndedRecordRetention < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(EndedRecordRetention), EndedRecordRetention, "EndedRecordRetention cannot be negative.");
        }

        if (PointsPerHour < 0 || PointsPerHour > Amounts.MaxPointsPerHour)
        {
            throw new ArgumentOutOfRangeException(nameof(PointsPerHour), PointsPerHour, $"PointsPerHour must be 0 to {Amounts.MaxPointsPerHour}.");
        }
    }
}
