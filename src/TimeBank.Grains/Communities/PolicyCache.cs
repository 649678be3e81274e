using System.Collections.Concurrent;

namespace TimeBank.Grains.Communities;

/// <summary>
/// The policies in force, as this host's community grains last published them, so a deposit reads its
/// community's rules without a call into the community grain. Every deposit of a community asked one
/// grain before: one turn at a time, the 64th caller waited for 63 turns, and the queue added tens of
/// milliseconds at the tail under load. A community grain publishes when it loads and after each change it
/// stored, so this host sees a change at once; an entry older than <see cref="MaxAge"/> is asked again.
/// </summary>
public sealed class PolicyCache(TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public PolicySnapshot? Find(string communityId)
        => _entries.TryGetValue(communityId, out var entry) && clock.GetElapsedTime(entry.PublishedAt) < MaxAge ? entry.Policy : null;

    /// <summary>
    /// The community's rules: from this cache, or asked of the community grain through <paramref name="grains"/>
    /// (the calling grain's factory, so the call counts as that grain's); COMMUNITY_NOT_FOUND when there is none.
    /// </summary>
    public async ValueTask<Result<PolicySnapshot>> GetAsync(Runtime.IGrainFactory grains, string communityId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return Find(communityId) is { } cached ? cached : await grains.GetGrain<ICommunityGrain>(communityId).GetPolicyAsync();
    }

    /// <summary><see cref="GetAsync"/>, refusing a category the community does not have (UNKNOWN_CATEGORY).</summary>
    public async ValueTask<Result<PolicySnapshot>> GetForCategoryAsync(Runtime.IGrainFactory grains, string communityId, string category)
    {
        var rules = await GetAsync(grains, communityId);
        return !rules.Succeeded || rules.Value.HasCategory(category)
            ? rules
            : Failure.Of(Contracts.V1.ErrorReasons.UnknownCategory, ("value", category));
    }

    public void Publish(string communityId, PolicySnapshot policy) => _entries[communityId] = new Entry(policy, clock.GetTimestamp());

    private sealed record Entry(PolicySnapshot Policy, long PublishedAt);
}
