using TimeBank.Grains.Internal;

namespace TimeBank.Grains.Communities;

/// <summary>A community's stored state: a plain class, serialized whole on each change.</summary>
public sealed class CommunityState : IJournaledState
{
    public string DisplayName { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public PolicySettings? Policy { get; set; }

    public long PolicyVersion { get; set; }

    public DateTimeOffset PolicyUpdatedAt { get; set; }

    /// <summary>Every policy the community had, oldest first: what version N of a journal row meant.</summary>
    public List<PolicyVersionRecord> PolicyHistory { get; set; } = [];

    // A community posts no transfers (yet); it keeps the journal head every TimeBank grain has.
    public long JournalSequence { get; set; }

    public byte[] JournalHash { get; set; } = [];
}

public sealed record PolicyVersionRecord(long Version, PolicySettings Policy, DateTimeOffset From, string SetByKeyId);
