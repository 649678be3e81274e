using System.Diagnostics.CodeAnalysis;

namespace TimeBank.Server.Auth;

/// <summary>Roles as the API, the database and the docs spell them.</summary>
public static class RoleNames
{
    public static string Of(Role role) => role switch
    {
        Role.Admin => "admin",
        Role.CommunityAdmin => "community-admin",
        Role.Organizer => "organizer",
        Role.App => "app",
        Role.Terminal => "terminal",
        Role.CommitteeMember => "committee-member",
        Role.Auditor => "auditor",
    };

    public static bool TryParse(string? name, out Role role)
    {
        foreach (var candidate in Enum.GetValues<Role>())
        {
            if (string.Equals(Of(candidate), name, StringComparison.Ordinal))
            {
                role = candidate;
                return true;
            }
        }

        role = default;
        return false;
    }

    /// <summary>What a role's scope names, for messages: "community", "store"...; null when it has none.</summary>
    [SuppressMessage("Style", "IDE0072", Justification = "Every role is listed; no discard arm, so a new role fails the build here.")]
    public static string? ScopeKind(Role role) => role switch
    {
        Role.Admin => null,
        Role.CommunityAdmin or Role.Organizer or Role.App => "community",
        Role.Auditor => "community (or * for all)",
        Role.Terminal => "store",
        Role.CommitteeMember => "fund",
    };
}
