namespace TimeBank.Storage;

/// <summary>
/// One grain's write: its new state and the journal rows that explain the change.
/// <see cref="ExpectedVersion"/> is 0 for a grain that has never been written.
/// </summary>
public sealed record StateWrite(string GrainId, long ExpectedVersion, ReadOnlyMemory<byte> Payload, IReadOnlyList<JournalEntry> Journal)
{
    public static readonly IReadOnlyList<JournalEntry> NoJournal = [];

    /// <summary>The caller's request this write answers, stored with it; null for writes no caller asked for.</summary>
    public RequestRecord? Request { get; init; }
}
