using TimeBank.Runtime;

namespace TimeBank.Grains.Communities;

/// <summary>One community: its name and its policy. Keyed by community id.</summary>
public interface ICommunityGrain : IGrainWithStringKey, IScopedGrain
{
    /// <summary>Creates the community; the same display name again changes nothing (<c>Created</c> false).</summary>
    Task<Result<CommunityCreation>> CreateCommunityAsync(CreateCommunity command);

    Task<Result<CommunityProfile>> GetCommunityAsync();

    /// <summary>Replaces the policy; an equal policy changes nothing and keeps its version.</summary>
    Task<Result<CommunityProfile>> UpdatePolicyAsync(UpdatePolicy command);

    /// <summary>The policy in force, for the grains that apply it (not an RPC).</summary>
    Task<Result<PolicySnapshot>> GetPolicyAsync();
}
