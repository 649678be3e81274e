using TimeBank.Runtime.Internal;

namespace TimeBank.Runtime;

/// <summary>
/// Base of every grain class. One instance per activation; its methods never run concurrently, so a grain
/// keeps its fields without locks.
/// </summary>
public abstract class Grain
{
    private Activation? _activation;

    protected GrainId GrainId => Activation.Id;

    protected IGrainFactory GrainFactory => Activation.Host;

    protected TimeProvider Clock => Activation.Host.Clock;

    internal Activation Activation => _activation ?? throw new InvalidOperationException("The grain is not activated.");

    /// <summary>Called once, after state is loaded and before the first call.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called when the activation is collected for idleness or the host stops.</summary>
    public virtual Task OnDeactivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal void Bind(Activation activation) => _activation = activation;

    internal virtual Task LoadStateAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
