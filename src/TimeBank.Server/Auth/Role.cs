namespace TimeBank.Server.Auth;

/// <summary>What a key may do. Its scope (a community, a store, a fund) says where.</summary>
public enum Role
{
    Admin,
    CommunityAdmin,
    Organizer,
    App,
    Terminal,
    CommitteeMember,
    Auditor,
}
