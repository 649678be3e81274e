using TimeBank.Contracts.V1;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Volunteers;
using TimeBank.Runtime;
using TimeBank.Storage.Reports;

namespace TimeBank.Grains.Reports;

/// <summary>
/// Reads a community's reports (or the city's, keyed <see cref="IReportGrain.EveryCommunity"/>) from the running
/// totals, standings and marks that writes keep (<see cref="Figures"/>): no journal is scanned, so a year's totals
/// cost a few index reads and a leaderboard one sort of the community's volunteers, whatever the journal's size.
/// Writes nothing; keeps in memory only the active counts of months that ended (see <see cref="SettledThrough"/>).
/// </summary>
public sealed class ReportGrain(IReportStore reports) : Grain, IReportGrain
{
    public const string TypeName = "report";

    public const int DefaultTop = 10;

    public const int MaxTop = 100;

    /// <summary>
    /// Active volunteers of settled months (see <see cref="SettledThrough"/>), by the range counted: counting them
    /// reads every mark of the range (~100 ms for a year of 50,000 volunteers), and they can no longer change.
    /// Lost when the activation is collected; recounted by the next report.
    /// </summary>
    private readonly Dictionary<(string From, string To, bool ByMonth), IReadOnlyList<KeyValuePair<string, long>>> _settledActive = [];

    private const int MaxSettledRanges = 64;

    private string? Scope => GrainId.Key == IReportGrain.EveryCommunity ? null : GrainId.Key;

    private string CommunityId => Scope ?? "";

    public async Task<Result<CommunityTotals>> GetTotalsAsync(GetTotals query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var from = query.FromMonth.Length == 0 ? Periods.FirstMonth : Periods.ParseMonth(query.FromMonth) is { } f ? Periods.Month(f) : null;
        if (from is null)
        {
            return Failure.Of(ErrorReasons.InvalidFromMonth, ("value", query.FromMonth));
        }

        var to = query.ToMonth.Length == 0 ? Periods.LastMonth : Periods.ParseMonth(query.ToMonth) is { } t ? Periods.Month(t) : null;
        if (to is null)
        {
            return Failure.Of(ErrorReasons.InvalidToMonth, ("value", query.ToMonth));
        }

        if (string.CompareOrdinal(from, to) > 0)
        {
            return Failure.Of(ErrorReasons.InvalidMonthRange, ("from_month", from), ("to_month", to));
        }

        if (await CommunityMissingAsync() is { } missing)
        {
            return missing;
        }

        var asOf = Clock.GetUtcNow();
        var sums = await reports.SumTalliesAsync(Scope, from, to);
        var registeredBefore = from == Periods.FirstMonth ? 0
            : (await reports.SumTalliesAsync(Scope, Periods.FirstMonth, PreviousMonth(from))).Where(s => s.Name == Figures.VolunteersRegistered).Sum(s => s.Amount);
        var settled = SettledThrough(asOf);
        var (activeFrom, activeTo) = ActivePeriods(from, to);
        var active = await CountActiveAsync(activeFrom, activeTo, settled);
        var activeByMonth = (await CountActiveByMonthAsync(from, to, settled)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

        var total = ReportSums.Figures(sums, registeredBefore, active);
        var byCategory = sums.Select(s => s.Key).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(category => new CategoryFigures(category, ReportSums.Figures(sums.Where(s => s.Key == category), 0, 0, countsVolunteers: false)))
            .Where(c => !ReportSums.IsEmpty(c.Figures)) // only registrations there: they are not kept by category
            .ToList();

        var months = sums.Select(s => s.Period).Concat(activeByMonth.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var byMonth = new List<MonthFigures>(months.Count);
        var registered = registeredBefore;
        foreach (var month in months)
        {
            var inMonth = sums.Where(s => s.Period == month).ToList();
            var figures = ReportSums.Figures(inMonth, registered, activeByMonth.GetValueOrDefault(month));
            registered = figures.VolunteersRegisteredTotal;
            byMonth.Add(new MonthFigures(month, figures));
        }

        var cells = sums.GroupBy(s => (s.Period, s.Key))
            .OrderBy(g => g.Key.Period, StringComparer.Ordinal).ThenBy(g => g.Key.Key, StringComparer.Ordinal)
            .Select(g => new ReportCell(g.Key.Period, g.Key.Key, ReportSums.Figures(g, 0, 0, countsVolunteers: false)))
            .Where(c => !ReportSums.IsEmpty(c.Figures))
            .ToList();
        return new CommunityTotals(CommunityId, query.FromMonth.Length == 0 ? "" : from, query.ToMonth.Length == 0 ? "" : to, total, byCategory, byMonth, asOf, cells);
    }

    public async Task<Result<Leaderboard>> GetLeaderboardAsync(GetLeaderboard query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!Enum.IsDefined(query.Period))
        {
            return Failure.Of(ErrorReasons.InvalidLeaderboardPeriod, ("value", (int)query.Period));
        }

        if (query.Top is < 0 or > MaxTop)
        {
            return Failure.Of(ErrorReasons.InvalidTop, ("value", query.Top), ("max", MaxTop), ("default", DefaultTop));
        }

        if (await CommunityMissingAsync() is { } missing)
        {
            return missing;
        }

        var asOf = Clock.GetUtcNow();
        var (kind, period) = query.Period switch
        {
            LeaderboardPeriod.ThisMonth => (StandingPeriod.Month, Periods.Month(asOf)),
            LeaderboardPeriod.ThisYear => (StandingPeriod.Year, Periods.Year(asOf)),
            _ => (StandingPeriod.AllTime, Periods.AllTime),
        };
        var top = await reports.ReadTopAsync(Scope, kind, period, query.Top == 0 ? DefaultTop : query.Top);
        var names = await Task.WhenAll(top.Select(s => GrainFactory.GetGrain<IVolunteerGrain>(s.Member).GetDisplayNameAsync()));
        var entries = new List<LeaderboardEntry>(top.Count);
        for (var i = 0; i < top.Count; i++)
        {
            // Competition ranking: equal minutes, equal rank; the next rank counts everyone above it (1, 2, 2, 4).
            var rank = i > 0 && top[i].Amount == top[i - 1].Amount ? entries[i - 1].Rank : i + 1;
            entries.Add(new LeaderboardEntry(rank, top[i].Member, names[i], top[i].Scope, top[i].Amount));
        }

        return new Leaderboard(CommunityId, query.Period, period == Periods.AllTime ? "all" : period, entries, asOf);
    }

    /// <summary>
    /// The last month no write can still count in: a volunteer is marked active by a service credited at the time of
    /// its write (the volunteer's ranking takes the transfer's time, and services take the time they are applied),
    /// which commits within seconds; a day's margin covers that and clocks that disagree.
    /// </summary>
    private static string SettledThrough(DateTimeOffset now) => PreviousMonth(Periods.Month(now.AddDays(-1)));

    private async Task<long> CountActiveAsync(string from, string to, string settled)
    {
        // A year or a range of months that ended is counted once; all time ("*") never ends.
        if (from == Periods.AllTime || string.CompareOrdinal(to.Length == 4 ? to + "-12" : to, settled) > 0)
        {
            return await reports.CountActiveMembersAsync(Scope, from, to);
        }

        return (await SettledAsync((from, to, ByMonth: false), async () => [KeyValuePair.Create("", await reports.CountActiveMembersAsync(Scope, from, to))]))[0].Value;
    }

    /// <summary>The range's settled months from the cache, the rest from the marks.</summary>
    private async Task<IEnumerable<KeyValuePair<string, long>>> CountActiveByMonthAsync(string from, string to, string settled)
    {
        if (string.CompareOrdinal(from, settled) > 0)
        {
            return await reports.CountActiveMembersByPeriodAsync(Scope, from, to);
        }

        var settledTo = string.CompareOrdinal(to, settled) < 0 ? to : settled;
        var counted = await SettledAsync((from, settledTo, ByMonth: true), () => reports.CountActiveMembersByPeriodAsync(Scope, from, settledTo));
        return settledTo == to ? counted : counted.Concat(await reports.CountActiveMembersByPeriodAsync(Scope, NextMonth(settled), to));
    }

    private async Task<IReadOnlyList<KeyValuePair<string, long>>> SettledAsync(
        (string From, string To, bool ByMonth) range, Func<Task<IReadOnlyList<KeyValuePair<string, long>>>> count)
    {
        if (!_settledActive.TryGetValue(range, out var counts))
        {
            if (_settledActive.Count >= MaxSettledRanges)
            {
                _settledActive.Clear(); // ranges asked once (a report of 2019-03 to 2021-07) do not pile up
            }

            _settledActive[range] = counts = await count();
        }

        return counts;
    }

    /// <summary>A report of a community that does not exist is refused (COMMUNITY_NOT_FOUND), not shown as zeros.</summary>
    private async Task<Failure?> CommunityMissingAsync()
        => Scope is { } community && await GrainFactory.GetGrain<ICommunityGrain>(community).GetPolicyAsync() is { Succeeded: false } missing
            ? missing.Failure
            : null;

    /// <summary>
    /// Which marks count a range's active volunteers: all time's when it is open at both ends, one year's when it
    /// is that whole year (one index range either way), else its months' (each volunteer counted once).
    /// </summary>
    private static (string From, string To) ActivePeriods(string from, string to)
        => from == Periods.FirstMonth && to == Periods.LastMonth ? (Periods.AllTime, Periods.AllTime)
            : from.EndsWith("-01", StringComparison.Ordinal) && to.EndsWith("-12", StringComparison.Ordinal) && from[..4] == to[..4] ? (from[..4], from[..4])
            : (from, to);

    private static string NextMonth(string month)
        => Periods.ParseMonth(month)!.Value is { Year: 9999, Month: 12 } ? Periods.LastMonth : Periods.Month(Periods.ParseMonth(month)!.Value.AddMonths(1));

    private static string PreviousMonth(string month)
        => Periods.ParseMonth(month)!.Value is { Year: 1, Month: 1 } ? Periods.FirstMonth : Periods.Month(Periods.ParseMonth(month)!.Value.AddMonths(-1));
}
