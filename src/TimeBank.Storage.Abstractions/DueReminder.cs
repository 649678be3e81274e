namespace TimeBank.Storage;

/// <summary>A grain with a reminder due, as the host's reminder poll finds it.</summary>
public sealed record DueReminder(string GrainId, DateTimeOffset DueAt);
