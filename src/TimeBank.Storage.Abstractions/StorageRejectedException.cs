namespace TimeBank.Storage;

/// <summary>
/// The database refused a write's content (a constraint or a value it cannot store). Retrying the same write
/// will not help: it points at a bug in the writer. Nothing of the write is stored.
/// </summary>
public sealed class StorageRejectedException : Exception
{
    public StorageRejectedException()
        : base("The database rejected the write.")
    {
    }

    public StorageRejectedException(string message)
        : base(message)
    {
    }

    public StorageRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
