namespace TimeBank.Storage;

/// <summary>One journal row with the grain that wrote it, as a walk over every grain's journal reads it.</summary>
public sealed record GrainJournalEntry(string GrainId, JournalEntry Entry);
