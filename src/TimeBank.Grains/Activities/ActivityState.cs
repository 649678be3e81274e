using TimeBank.Grains.Internal;

namespace TimeBank.Grains.Activities;

/// <summary>An activity's stored state: what was published, and the two lists in order.</summary>
public sealed class ActivityState : IJournaledState
{
    public string CommunityId { get; set; } = "";

    public string Category { get; set; } = "";

    public string Title { get; set; } = "";

    public string Description { get; set; } = "";

    public string Place { get; set; } = "";

    public DateTimeOffset StartsAt { get; set; }

    public DateTimeOffset EndsAt { get; set; }

    public long MinutesPerVolunteer { get; set; }

    public int Capacity { get; set; }

    public DateTimeOffset SignUpDeadline { get; set; }

    public bool OpenToOtherCommunities { get; set; }

    public ActivityStatus Status { get; set; } = ActivityStatus.Open;

    public string CancelReason { get; set; } = "";

    public DateTimeOffset PublishedAt { get; set; }

    /// <summary>Volunteers with a place, in the order they got it.</summary>
    public List<string> SignedUp { get; set; } = [];

    /// <summary>Volunteers waiting, in arrival order.</summary>
    public List<string> Waiting { get; set; } = [];

    /// <summary>Confirmed attendance by volunteer: what each is credited, and whether the credit is done.</summary>
    public Dictionary<string, AttendanceRecord> Attendance { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Bumped by each change the community's activity list shows (publication, cancellation).</summary>
    public long ListingVersion { get; set; }

    /// <summary>The listing version the community's list last acknowledged; behind <see cref="ListingVersion"/> until reported.</summary>
    public long ListedVersion { get; set; }

    /// <summary>Bumped by each change of any volunteer's standing (sign-up, withdrawal, promotion, credit, cancellation).</summary>
    public long ChangeVersion { get; set; }

    /// <summary>Volunteers whose standing changed and is not yet acknowledged by their activity lists.</summary>
    public HashSet<string> StandingsToReport { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How many times credits were recorded here; numbers the system's request ids of those writes.</summary>
    public long CreditWrites { get; set; }

    /// <summary>An activity writes no journal rows of its own (its credits are the volunteers'); kept for the door all grains write through.</summary>
    public long JournalSequence { get; set; }

    public byte[] JournalHash { get; set; } = [];
}

/// <summary>One attendee's confirmed minutes, and once credited, what the volunteer's deposit recorded.</summary>
public sealed class AttendanceRecord
{
    public long Minutes { get; set; }

    /// <summary>The key that confirmed it; the volunteer's journal row names it.</summary>
    public string ActorKeyId { get; set; } = "";

    public bool Credited { get; set; }

    public long Points { get; set; }

    public string HoursTransferId { get; set; } = "";
}
