using TimeBank.Server.Auth;

namespace TimeBank.Server.Api.Internal;

/// <summary>Whether a caller's scope covers a community's resources.</summary>
internal static class Scopes
{
    /// <summary>The scope of a city-wide auditor.</summary>
    public const string Everywhere = "*";

    /// <summary>True when the caller reaches every community (no owner lookup needed).</summary>
    public static bool CoversEverything(Caller caller) => caller.Role == Role.Admin || (caller.Role == Role.Auditor && caller.Scope == Everywhere);

    /// <summary>
    /// True when the caller may touch a grain with this owner: a terminal key its one store's, a committee
    /// member's key its one fund's, other scoped
    /// keys their community's; a missing grain only callers that cover everything.
    /// </summary>
    public static bool Covers(Caller caller, TimeBank.Grains.GrainOwner owner) => caller.Role switch
    {
        Role.Terminal => owner.StoreId is not null && string.Equals(caller.Scope, owner.StoreId, StringComparison.Ordinal),
        Role.CommitteeMember => owner.FundId is not null && string.Equals(caller.Scope, owner.FundId, StringComparison.Ordinal),
        _ => Covers(caller, owner.CommunityId),
    };

    /// <summary>True when the caller may touch what <paramref name="communityId"/> owns; a null owner (nothing
    /// there) is covered only by callers that cover everything, so a scoped key cannot probe for existence.</summary>
    public static bool Covers(Caller caller, string? communityId)
    {
        if (CoversEverything(caller))
        {
            return true;
        }

        return communityId is not null
               && caller.Role is Role.CommunityAdmin or Role.Organizer or Role.App or Role.Auditor
               && string.Equals(caller.Scope, communityId, StringComparison.Ordinal);
    }
}
