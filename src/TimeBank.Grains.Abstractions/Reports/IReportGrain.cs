using TimeBank.Runtime;

namespace TimeBank.Grains.Reports;

/// <summary>
/// A community's reports, read from the running totals and standings every write keeps in its own
/// transaction: a figure includes every acknowledged write (no delay), after a restart and across processes
/// on one database. Keyed by community id; <see cref="EveryCommunity"/> for the whole city. Stores nothing.
/// </summary>
public interface IReportGrain : IGrainWithStringKey
{
    /// <summary>The key of the report over every community (not a valid community id, so never one's).</summary>
    const string EveryCommunity = "*";

    Task<Result<CommunityTotals>> GetTotalsAsync(GetTotals query);

    Task<Result<Leaderboard>> GetLeaderboardAsync(GetLeaderboard query);
}
