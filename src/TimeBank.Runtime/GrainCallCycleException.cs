namespace TimeBank.Runtime;

/// <summary>
/// A call from inside a grain's turn would have waited on itself: the target is, directly or through
/// others, already waiting for the caller. Turns do not interleave, so the call could never be served;
/// it is refused at once instead, and nothing of it ran.
/// </summary>
public sealed class GrainCallCycleException : Exception
{
    public GrainCallCycleException()
        : base("The grain call would wait on itself.")
    {
    }

    public GrainCallCycleException(string message)
        : base(message)
    {
    }

    public GrainCallCycleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GrainCallCycleException(IReadOnlyList<GrainId> cycle)
        : base($"Grain call refused: it would wait on itself ({string.Join(" -> ", cycle)}).")
    {
        Cycle = cycle;
    }

    /// <summary>The grains around the cycle, from the caller back to the caller.</summary>
    public IReadOnlyList<GrainId> Cycle { get; } = [];
}
