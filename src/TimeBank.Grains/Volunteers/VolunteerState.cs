using TimeBank.Grains.Internal;
using TimeBank.Ledger;

namespace TimeBank.Grains.Volunteers;

/// <summary>A volunteer's stored state: a plain class, serialized whole on each change.</summary>
public sealed class VolunteerState : IJournaledState
{
    public string DisplayName { get; set; } = "";

    public string CommunityId { get; set; } = "";

    public DateTimeOffset RegisteredAt { get; set; }

    /// <summary>The account <c>volunteer/{v}/hours</c>, in minutes.</summary>
    public AccountBalance Hours { get; set; } = new();

    /// <summary>The account <c>volunteer/{v}/points</c>.</summary>
    public AccountBalance Points { get; set; } = new();

    /// <summary>Sequence of the last journal row this volunteer wrote; the next row takes the one after.</summary>
    public long JournalSequence { get; set; }

    public byte[] JournalHash { get; set; } = [];

    /// <summary>Pending transfers on this volunteer's accounts (holds), by id, with how each ended.</summary>
    public Dictionary<string, PendingTransfer> Pending { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Hour transfers this volunteer paid, by transfer id: what each asked for and how it ended, so a
    /// retry gets its outcome and an interrupted one can be finished.</summary>
    public Dictionary<string, OutgoingTransfer> Outgoing { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Reversals of this volunteer's deposits and paid transfers, by the id of the transfer reversed: each at most once.</summary>
    public Dictionary<string, ReversalRecord> Reversals { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Minutes of service credited (less reversals) this month, this year and all time, and when service last made the volunteer active.</summary>
    public VolunteerRanking Ranking { get; set; } = new();
}

/// <summary>A volunteer's standing in their community's rankings, kept with their state (see <see cref="VolunteerGrain.Report"/>).</summary>
public sealed class VolunteerRanking
{
    /// <summary>The month <see cref="MonthMinutes"/> counts (<c>2026-12</c>); empty before any.</summary>
    public string Month { get; set; } = "";

    public long MonthMinutes { get; set; }

    public string Year { get; set; } = "";

    public long YearMinutes { get; set; }

    public long AllMinutes { get; set; }

    /// <summary>The last month, and year, in which a service was credited (each marks the volunteer active once); empty before any.</summary>
    public string ServedMonth { get; set; } = "";

    public string ServedYear { get; set; } = "";
}
