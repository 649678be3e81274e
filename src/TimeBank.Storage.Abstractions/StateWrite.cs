using TimeBank.Storage.Reports;

namespace TimeBank.Storage;

/// <summary>
/// One grain's write: its new state and the journal rows that explain the change.
/// <see cref="ExpectedVersion"/> is 0 for a grain that has never been written.
/// </summary>
public sealed record StateWrite(string GrainId, long ExpectedVersion, ReadOnlyMemory<byte> Payload, IReadOnlyList<JournalEntry> Journal)
{
    public static readonly IReadOnlyList<JournalEntry> NoJournal = [];

    /// <summary>
    /// A write that stores only a request's answer (a refusal), decided on the state at
    /// <paramref name="expectedVersion"/> (0: the grain had none): the state row is checked at that version but
    /// not written, so a refusal decided on a copy that is behind fails as stale instead of standing.
    /// </summary>
    public static StateWrite AnswerOnly(string grainId, long expectedVersion, RequestRecord request)
        => new(grainId, expectedVersion, ReadOnlyMemory<byte>.Empty, NoJournal) { Request = request, StateUnchanged = true };

    /// <summary>True for an <see cref="AnswerOnly"/> write: the version is checked, the state row left as it is.</summary>
    public bool StateUnchanged { get; private init; }

    /// <summary>The state's version once this write is stored.</summary>
    public long VersionAfter => StateUnchanged ? ExpectedVersion : ExpectedVersion + 1;

    /// <summary>The caller's request this write answers, stored with it; null for writes no caller asked for.</summary>
    public RequestRecord? Request { get; init; }

    /// <summary>The grain's durable reminders, serialized by the runtime (stored with the state, atomically); empty for none.</summary>
    public ReadOnlyMemory<byte> Reminders { get; init; }

    /// <summary>When the earliest of <see cref="Reminders"/> is due (indexed, so the host finds due grains); null for none.</summary>
    public DateTimeOffset? NextReminderAt { get; init; }

    /// <summary>Running totals this write adds to, in its transaction (see <see cref="Tally"/>); empty for none.</summary>
    public IReadOnlyList<Tally> Tallies { get; init; } = [];

    /// <summary>The grain's standing in its rankings, stored with its state (see <see cref="Reports.Standing"/>); null leaves it as stored.</summary>
    public Standing? Standing { get; init; }

    /// <summary>Marks of taking part this write makes true, each stored once (see <see cref="ActiveMark"/>); empty for none.</summary>
    public IReadOnlyList<ActiveMark> Marks { get; init; } = [];
}
