namespace TimeBank.Grains.Communities;

/// <param name="AllCategories">The default categories followed by the community's own.</param>
public sealed record CommunityProfile(
    string CommunityId, string DisplayName, PolicySettings Policy, string[] AllCategories, long PolicyVersion, DateTimeOffset CreatedAt, DateTimeOffset PolicyUpdatedAt);

/// <param name="Created">False when the community already existed with the same display name.</param>
public sealed record CommunityCreation(CommunityProfile Community, bool Created);

/// <summary>The policy in force and its version, as the grains that apply it see it.</summary>
public sealed record PolicySnapshot(long Version, PolicySettings Settings, string[] AllCategories)
{
    public bool HasCategory(string category) => AllCategories.Contains(category, StringComparer.Ordinal);
}
