namespace TimeBank.Storage;

/// <summary>
/// One grain's write: its new state and the journal rows that explain the change.
/// <see cref="ExpectedVersion"/> is 0 for a grain that has never been written.
/// </summary>
public sealed record StateWrite(string GrainId, long ExpectedVersion, ReadOnlyMemory<byte> Payload, IReadOnlyList<JournalEntry> Journal)
{
    public static readonly IReadOnlyList<JournalEntry> NoJournal = [];
}
