namespace TimeBank.Runtime.Internal;

/// <summary>
/// Which grain's turn is waiting for a call to which other grain, for the calls made from inside turns.
/// Before such a call is issued its edge is added and the graph is walked from the target: reaching the
/// caller means the target is (through others) waiting for the caller, whose turn cannot end until this
/// call does, so the call is refused instead of wedging both. Adding the edge and walking happen under one
/// lock, so of two crossing calls the second always sees the first. Calls from outside any grain add no
/// edge and never take the lock.
/// </summary>
internal sealed class WaitForGraph
{
    /// <summary>Longest chain walked; a longer wait chain is not a cycle anyone can afford anyway.</summary>
    private const int MaxDepth = 64;

    private readonly Lock _gate = new();
    private readonly Dictionary<GrainId, List<GrainId>> _waitsFor = [];

    /// <summary>Adds "caller waits for target"; returns the cycle instead (adding nothing) when it would close one.</summary>
    public IReadOnlyList<GrainId>? TryAdd(GrainId caller, GrainId target)
    {
        lock (_gate)
        {
            if (FindPath(target, caller) is { } path)
            {
                return [caller, .. path];
            }

            if (!_waitsFor.TryGetValue(caller, out var targets))
            {
                targets = new List<GrainId>(1);
                _waitsFor.Add(caller, targets);
            }

            targets.Add(target);
            return null;
        }
    }

    public void Remove(GrainId caller, GrainId target)
    {
        lock (_gate)
        {
            if (_waitsFor.TryGetValue(caller, out var targets) && targets.Remove(target) && targets.Count == 0)
            {
                _waitsFor.Remove(caller);
            }
        }
    }

    /// <summary>The grains from <paramref name="from"/> to <paramref name="to"/> along wait edges, or null.</summary>
    private List<GrainId>? FindPath(GrainId from, GrainId to)
    {
        var path = new List<GrainId> { from };
        return Walk(from, to, path, new HashSet<GrainId>(), 0) ? path : null;
    }

    private bool Walk(GrainId at, GrainId to, List<GrainId> path, HashSet<GrainId> seen, int depth)
    {
        if (at == to)
        {
            return true;
        }

        if (depth >= MaxDepth || !seen.Add(at) || !_waitsFor.TryGetValue(at, out var next))
        {
            return false;
        }

        foreach (var target in next)
        {
            path.Add(target);
            if (Walk(target, to, path, seen, depth + 1))
            {
                return true;
            }

            path.RemoveAt(path.Count - 1);
        }

        return false;
    }
}
