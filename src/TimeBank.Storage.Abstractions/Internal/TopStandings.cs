using TimeBank.Storage.Reports;

namespace TimeBank.Storage.Internal;

/// <summary>What a top list keeps of members read highest first: the first <c>limit</c> and those tied with the last of them.</summary>
internal static class TopStandings
{
    /// <summary>How many rows a provider reads for a top list of <paramref name="limit"/>: enough for every tie it may show.</summary>
    public static long RowsToRead(int limit) => (long)limit + IReportStore.MaxExtraTies;

    public static IReadOnlyList<RankedMember> Take(List<RankedMember> highestFirst, int limit)
    {
        if (highestFirst.Count <= limit)
        {
            return highestFirst;
        }

        var last = limit > 0 ? highestFirst[limit - 1].Amount : long.MaxValue;
        var end = limit;
        while (end < highestFirst.Count && highestFirst[end].Amount == last)
        {
            end++;
        }

        return highestFirst[..end];
    }
}
