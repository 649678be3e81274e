namespace TimeBank.Grains.Reports;

/// <summary>Totals over whole UTC months, <c>YYYY-MM</c> each, inclusive; an empty end is open (both empty: all time).</summary>
public sealed record GetTotals(string FromMonth, string ToMonth);

/// <summary>The top volunteers by hours credited in a period (top 0: the default).</summary>
public sealed record GetLeaderboard(LeaderboardPeriod Period, int Top);

public enum LeaderboardPeriod
{
    ThisMonth = 1,
    ThisYear = 2,
    AllTime = 3,
}
