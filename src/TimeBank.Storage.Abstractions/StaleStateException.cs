namespace TimeBank.Storage;

/// <summary>
/// The write named a version that is no longer current (another activation or process wrote first), or
/// repeated a journal key. The writer's in-memory state must be thrown away and reloaded.
/// </summary>
public sealed class StaleStateException : Exception
{
    public StaleStateException()
        : base("The stored state changed since it was read.")
    {
    }

    public StaleStateException(string message)
        : base(message)
    {
    }

    public StaleStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StaleStateException(string grainId, long expectedVersion)
        : base($"State of '{grainId}' is no longer at version {expectedVersion}.")
    {
        GrainId = grainId;
        ExpectedVersion = expectedVersion;
    }

    public string? GrainId { get; }

    public long ExpectedVersion { get; }
}
