using TimeBank.Grains.Internal;

namespace TimeBank.Grains.Activities;

/// <summary>A community's activity list: each activity's latest reported listing, with its version.</summary>
public sealed class ActivityDirectoryState : IJournaledState
{
    public Dictionary<string, ListedActivity> Activities { get; set; } = new(StringComparer.Ordinal);

    public long JournalSequence { get; set; }

    public byte[] JournalHash { get; set; } = [];
}

public sealed record ListedActivity(ActivityListing Listing, long Version);
