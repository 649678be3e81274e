namespace TimeBank.Grains;

/// <summary>
/// A grain that belongs to a community (a volunteer, an activity...). The server asks it before a scoped
/// caller's call, so a key confined to one community never reaches, nor learns of, another's grains.
/// </summary>
public interface IScopedGrain
{
    /// <summary>The owner, or <see cref="GrainOwner.None"/> when the grain does not exist.</summary>
    Task<GrainOwner> GetOwnerAsync();
}

/// <param name="CommunityId">The owning community; null when the grain does not exist.</param>
/// <param name="StoreId">For a store's grains: the store, which is what a terminal key is confined to.</param>
public sealed record GrainOwner(string? CommunityId, string? StoreId = null, string? FundId = null)
{
    public static readonly GrainOwner None = new((string?)null);

    public bool Exists => CommunityId is not null;
}
