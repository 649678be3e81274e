namespace TimeBank.Ledger;

/// <summary>
/// Accounts are named by their owner, so a journal row reads on its own:
/// <c>community/{c}/hours-issued</c> is debited when <c>volunteer/{v}/hours</c> is credited.
/// </summary>
public static class AccountNames
{
    public static string CommunityHoursIssued(string communityId) => $"community/{communityId}/hours-issued";

    public static string CommunityPointsIssued(string communityId) => $"community/{communityId}/points-issued";

    public static string VolunteerHours(string volunteerId) => $"volunteer/{volunteerId}/hours";

    public static string VolunteerPoints(string volunteerId) => $"volunteer/{volunteerId}/points";
}
