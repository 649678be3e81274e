using TimeBank.Storage.Reports;

namespace TimeBank.Storage.Internal;

/// <summary>
/// The tallies and marks of a batch of writes: tallies summed per counter, marks once each, both in key order, so
/// each counter is written once per batch and two processes updating the same counters take their row locks in
/// the same order (no deadlock).
/// </summary>
internal static class ReportChanges
{
    public static (List<KeyValuePair<TallyKey, long>> Tallies, List<ActiveMark> Marks) Sum(IEnumerable<StateWrite> writes)
    {
        Dictionary<TallyKey, long>? tallies = null;
        HashSet<ActiveMark>? marks = null;
        foreach (var write in writes)
        {
            foreach (var t in write.Tallies)
            {
                tallies ??= [];
                var key = new TallyKey(t.Scope, t.Period, t.Name, t.Key);
                tallies[key] = checked(tallies.GetValueOrDefault(key) + t.Amount);
            }

            foreach (var mark in write.Marks)
            {
                (marks ??= []).Add(mark);
            }
        }

        var sortedTallies = tallies is null ? [] : tallies.OrderBy(t => t.Key, TallyKey.Order).ToList();
        var sortedMarks = marks is null ? [] : marks.Order(MarkOrder).ToList();
        return (sortedTallies, sortedMarks);
    }

    private static readonly IComparer<ActiveMark> MarkOrder = Comparer<ActiveMark>.Create((a, b) =>
    {
        var c = string.CompareOrdinal(a.Scope, b.Scope);
        c = c != 0 ? c : string.CompareOrdinal(a.Period, b.Period);
        return c != 0 ? c : string.CompareOrdinal(a.Member, b.Member);
    });

    internal readonly record struct TallyKey(string Scope, string Period, string Name, string Key)
    {
        public static readonly IComparer<TallyKey> Order = Comparer<TallyKey>.Create((a, b) =>
        {
            var c = string.CompareOrdinal(a.Scope, b.Scope);
            c = c != 0 ? c : string.CompareOrdinal(a.Period, b.Period);
            c = c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
            return c != 0 ? c : string.CompareOrdinal(a.Key, b.Key);
        });
    }
}
