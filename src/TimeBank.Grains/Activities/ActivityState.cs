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

    /// <summary>An activity writes no journal rows of its own (its credits are the volunteers'); kept for the door all grains write through.</summary>
    public long JournalSequence { get; set; }

    public byte[] JournalHash { get; set; } = [];
}
