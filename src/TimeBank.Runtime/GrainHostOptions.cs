namespace TimeBank.Runtime;

public sealed class GrainHostOptions
{
    /// <summary>An activation idle this long is collected (its state is already stored).</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the host looks for idle activations.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);
}
