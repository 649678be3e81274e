namespace TimeBank.Grains.Reports;

/// <summary>
/// A community's figures over a range (or one month, or one category of it). Minutes for hours, whole points,
/// money per currency in minor units. Volunteers registered and active are not kept by category (0 there).
/// </summary>
public sealed record ReportFigures(
    long VolunteersRegistered,
    long VolunteersRegisteredTotal,
    long ActiveVolunteers,
    long ActivitiesHeld,
    long MinutesCredited,
    long MinutesReversed,
    long PointsIssued,
    long PointsReversed,
    long PointsRedeemed,
    long PointsRefunded,
    long MinutesTransferredIn,
    long MinutesTransferredOut,
    long MinutesTransferredWithin,
    long MinutesTransfersReversed,
    IReadOnlyList<MoneyFigures> Money);

public sealed record MoneyFigures(string Currency, long Donated, long Reserved, long Released, long PaidOut);

public sealed record CategoryFigures(string Category, ReportFigures Figures);

public sealed record MonthFigures(string Month, ReportFigures Figures);

/// <summary>One month and one category's figures: the finest cell reports keep (what an export lists).</summary>
public sealed record ReportCell(string Month, string Category, ReportFigures Figures);

/// <param name="CommunityId">The community, or empty for every community.</param>
/// <param name="Cells">Every month and category with a figure, for exports (not part of the totals' answer).</param>
public sealed record CommunityTotals(
    string CommunityId,
    string FromMonth,
    string ToMonth,
    ReportFigures Total,
    IReadOnlyList<CategoryFigures> ByCategory,
    IReadOnlyList<MonthFigures> ByMonth,
    DateTimeOffset AsOf,
    IReadOnlyList<ReportCell> Cells);

public sealed record LeaderboardEntry(int Rank, string VolunteerId, string DisplayName, string CommunityId, long Minutes);

/// <param name="Label">The period as a report names it: the month (2026-12), the year (2026), or "all".</param>
public sealed record Leaderboard(string CommunityId, LeaderboardPeriod Period, string Label, IReadOnlyList<LeaderboardEntry> Entries, DateTimeOffset AsOf);
