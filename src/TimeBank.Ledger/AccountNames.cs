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

    /// <summary>
    /// Hours on their way from one volunteer to another: the payer's pending debit credits it, the payee's
    /// credit debits it, so it nets to zero once every transfer has ended and the hours are never counted twice.
    /// </summary>
    public const string HoursInTransit = "transit/hours";

    /// <summary>Points a volunteer spent through a hold of the HoldPoints API that was posted.</summary>
    public static string CommunityPointsRedeemed(string communityId) => $"community/{communityId}/points-redeemed";

    /// <summary>A fund's money not earmarked to any purpose.</summary>
    public static string FundGeneral(string fundId) => $"fund/{fundId}/general";

    /// <summary>A fund's money earmarked to one of its purposes: spent only on that purpose.</summary>
    public static string FundEarmark(string fundId, string purpose) => $"fund/{fundId}/earmark/{purpose}";

    /// <summary>Where a fund's donations come from (outside the books): debited by each donation.</summary>
    public static string FundDonors(string fundId) => $"fund/{fundId}/donors";

    /// <summary>Where a fund's payouts go (outside the books): credited by each payout.</summary>
    public static string FundPayees(string fundId) => $"fund/{fundId}/payees";

    /// <summary>Points volunteers spent at a store, less what it refunded: credited by each sale, debited by each refund.</summary>
    public static string StoreRedeemed(string storeId) => $"store/{storeId}/points-redeemed";

    /// <summary>The community of an issuing account (<c>community/{c}/hours-issued</c> or <c>.../points-issued</c>), else null.</summary>
    public static string? IssuingCommunity(string account)
    {
        ArgumentNullException.ThrowIfNull(account);
        const string prefix = "community/";
        if (!account.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var end = account.IndexOf('/', prefix.Length);
        return end > prefix.Length && account.AsSpan(end) is "/hours-issued" or "/points-issued" ? account[prefix.Length..end] : null;
    }
}
