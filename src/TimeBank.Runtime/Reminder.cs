namespace TimeBank.Runtime;

/// <summary>One durable reminder of a grain: when it is next due, and how often it repeats (none: once).</summary>
public sealed record Reminder(string Name, DateTimeOffset Due, TimeSpan? Period);
