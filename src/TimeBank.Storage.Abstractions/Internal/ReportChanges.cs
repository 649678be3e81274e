using TimeBank.Storage.Reports;

namespace TimeBank.Storage.Internal;

/// <summary>
/// The tallies and standing changes of a batch of writes, summed per counter and in key order: each counter
/// is written once per batch, and two processes updating the same counters take their row locks in the same
/// order (no deadlock).
/// </summary>
internal static class ReportChanges
{
    public static (List<KeyValuePair<TallyKey, long>> Tallies, List<KeyValuePair<StandingKey, (long Amount, long Events)>> Standings) Sum(IEnumerable<StateWrite> writes)
    {
        Dictionary<TallyKey, long>? tallies = null;
        Dictionary<StandingKey, (long Amount, long Events)>? standings = null;
        foreach (var write in writes)
        {
            foreach (var t in write.Tallies)
            {
                tallies ??= [];
                var key = new TallyKey(t.Scope, t.Period, t.Name, t.Key);
                tallies[key] = checked(tallies.GetValueOrDefault(key) + t.Amount);
            }

            foreach (var s in write.Standings)
            {
                standings ??= [];
                var key = new StandingKey(s.Scope, s.Period, s.Member);
                var (amount, events) = standings.GetValueOrDefault(key);
                standings[key] = (checked(amount + s.Amount), checked(events + s.Events));
            }
        }

        var sortedTallies = tallies is null ? [] : tallies.OrderBy(t => t.Key, TallyKey.Order).ToList();
        var sortedStandings = standings is null ? [] : standings.OrderBy(s => s.Key, StandingKey.Order).ToList();
        return (sortedTallies, sortedStandings);
    }

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

    internal readonly record struct StandingKey(string Scope, string Period, string Member)
    {
        public static readonly IComparer<StandingKey> Order = Comparer<StandingKey>.Create((a, b) =>
        {
            var c = string.CompareOrdinal(a.Scope, b.Scope);
            c = c != 0 ? c : string.CompareOrdinal(a.Period, b.Period);
            return c != 0 ? c : string.CompareOrdinal(a.Member, b.Member);
        });
    }
}
