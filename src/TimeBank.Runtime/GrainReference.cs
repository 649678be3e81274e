using TimeBank.Runtime.Internal;

namespace TimeBank.Runtime;

/// <summary>
/// Base of the typed references that callers hold (what Orleans generates, written by hand here). A
/// reference is cheap, may be kept, and survives the grain's deactivation: the next call activates it again.
/// </summary>
public abstract class GrainReference
{
    private readonly GrainHost _host;
    private readonly GrainRegistration _registration;

    protected GrainReference(GrainReferenceContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _host = context.Host;
        _registration = context.Registration;
        GrainId = context.GrainId;
        Origin = context.Origin;
    }

    public GrainId GrainId { get; }

    /// <summary>The activation this reference last reached; skips the directory while it stays valid.</summary>
    internal Activation? CachedActivation { get; set; }

    internal GrainRegistration Registration => _registration;

    /// <summary>The activation whose grain obtained this reference, or null for a caller outside any grain.</summary>
    internal Activation? Origin { get; }

    /// <summary>Runs <paramref name="method"/> on the grain, in its own turn, after every call that arrived before.</summary>
    protected Task<TResult> InvokeAsync<TGrain, TArg, TResult>(Func<TGrain, TArg, Task<TResult>> method, TArg arg)
        where TGrain : class
        => _host.InvokeAsync(this, method, arg);

    public override string ToString() => GrainId.ToString();
}

/// <summary>What a generated-style reference needs from the host; opaque to it.</summary>
public sealed class GrainReferenceContext
{
    internal GrainReferenceContext(GrainHost host, GrainRegistration registration, GrainId grainId, Activation? origin = null)
    {
        Host = host;
        Registration = registration;
        GrainId = grainId;
        Origin = origin;
    }

    internal GrainHost Host { get; }

    internal GrainRegistration Registration { get; }

    internal GrainId GrainId { get; }

    internal Activation? Origin { get; }
}
