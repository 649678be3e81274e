namespace TimeBank.Runtime;

public sealed class GrainHostOptions
{
    /// <summary>An activation idle this long is collected (its state is already stored).</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a call made from inside a grain's turn to another grain may take before the caller gets a
    /// <see cref="GrainCallTimeoutException"/> (the callee's turn is not disturbed). Orleans' default.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the host looks for idle activations.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often the host looks for grains with a durable reminder due (an indexed query); zero turns the
    /// poll off (call <see cref="GrainHost.FireDueRemindersAsync"/> yourself). A reminder fires at most this
    /// late.
    /// </summary>
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
