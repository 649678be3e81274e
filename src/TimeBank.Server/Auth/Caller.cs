namespace TimeBank.Server.Auth;

/// <summary>The authenticated key behind a call.</summary>
/// <param name="Scope">The community, store or fund the key is confined to; empty for admin, <c>*</c> for a city-wide auditor.</param>
/// <param name="Member">For a committee member: the member's name in the fund's committee.</param>
public sealed record Caller(string KeyId, Role Role, string Scope, string? Member, string DisplayName);
