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

    /// <summary>
    /// References obtained here know which grain calls through them: such calls get a response timeout,
    /// and a call that would wait on itself (A calls B while B waits for A) is refused at once.
    /// </summary>
    /// <remarks>The activation is the factory: no extra object or field per activation (idle memory is a design target).</remarks>
    protected IGrainFactory GrainFactory => Activation;

    protected TimeProvider Clock => Activation.Host.Clock;

    internal Activation Activation => _activation ?? throw new InvalidOperationException("The grain is not activated.");

    /// <summary>Called once, after state is loaded and before the first call.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called when the activation is collected for idleness or the host stops.</summary>
    public virtual Task OnDeactivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal void Bind(Activation activation) => _activation = activation;

    /// <summary>Deactivates this activation once the current turn ends and no call waits (as Orleans' DeactivateOnIdle).</summary>
    protected void DeactivateOnIdle() => Activation.DeactivateOnIdleRequested = true;

    internal virtual Task LoadStateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs the reminders due by <paramref name="now"/>; a grain without stored state has none.</summary>
    internal virtual Task<int> FireDueRemindersAsync(DateTimeOffset now) => Task.FromResult(0);
}
