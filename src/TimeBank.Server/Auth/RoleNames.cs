namespace TimeBank.Server.Auth;

/// <summary>Roles as the API and the docs spell them.</summary>
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
}
