namespace TimeBank.Storage.Reports;

/// <summary>
/// Reads what writes keep for reports: running totals (<see cref="StateWrite.Tallies"/>), standings
/// (<see cref="StateWrite.Standing"/>) and marks of who took part when (<see cref="StateWrite.Marks"/>). All are
/// written in the transaction of the write they count, so a read sees every acknowledged write and nothing of one
/// that did not commit.
/// </summary>
public interface IReportStore
{
    /// <summary>How many members tied at the last place a top list shows beyond its limit, at most.</summary>
    const int MaxExtraTies = 1_000;

    /// <summary>
    /// Every counter of <paramref name="scope"/> (every scope when null) whose period lies in
    /// [<paramref name="fromPeriod"/>, <paramref name="toPeriod"/>] (ordinal order), summed over the scopes.
    /// </summary>
    Task<IReadOnlyList<TallySum>> SumTalliesAsync(string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken = default);

    /// <summary>
    /// The members of <paramref name="scope"/> (every scope when null) with a positive amount in the ranking of
    /// <paramref name="kind"/> for <paramref name="period"/> (the month or the year; ignored for all time), highest first
    /// (then by member): the first <paramref name="limit"/> and those tied with the last of them (at most
    /// <see cref="MaxExtraTies"/> more).
    /// </summary>
    Task<IReadOnlyList<RankedMember>> ReadTopAsync(string? scope, StandingPeriod kind, string period, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many distinct members have a mark (<see cref="ActiveMark"/>) in the periods of <paramref name="scope"/>
    /// (every scope when null; a member counts once per scope) from <paramref name="fromPeriod"/> to
    /// <paramref name="toPeriod"/> (ordinal order) that are as long as <paramref name="fromPeriod"/>: the months of a
    /// range, or one year, or all time (from = to).
    /// </summary>
    Task<long> CountActiveMembersAsync(string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="CountActiveMembersAsync"/>, for each period of the range on its own (periods without any left out).</summary>
    Task<IReadOnlyList<KeyValuePair<string, long>>> CountActiveMembersByPeriodAsync(string? scope, string fromPeriod, string toPeriod, CancellationToken cancellationToken = default);
}
