namespace TimeBank.Storage;

/// <summary>A grain's serialized state as stored, with the version that a later write must name.</summary>
public sealed record StoredState(long Version, ReadOnlyMemory<byte> Payload)
{
    /// <summary>The grain's durable reminders as the runtime serialized them; empty when it has none.</summary>
    public ReadOnlyMemory<byte> Reminders { get; init; }
}
