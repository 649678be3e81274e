namespace TimeBank.Runtime;

/// <summary>
/// A grain that receives its durable reminders (the idea of Orleans' <c>IRemindable</c>). A reminder is set
/// with <see cref="Grain{TState}.SetReminder"/> and stored with the grain's state, in the same transaction;
/// when it is due, the host activates the grain (after a restart or a crash too) and calls this in a turn of
/// its own.
/// </summary>
/// <remarks>
/// At least once: a reminder is moved on (or, without a period, removed) before the call, and that change is
/// stored by the grain's next write or, if the grain writes nothing, right after the call. A call that fails
/// or a process that dies first leaves the reminder due, so it comes again; handle it idempotently.
/// </remarks>
public interface IRemindable
{
    Task ReceiveReminderAsync(string name, DateTimeOffset due);
}
