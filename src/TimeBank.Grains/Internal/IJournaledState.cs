namespace TimeBank.Grains.Internal;

/// <summary>State whose grain writes journal rows: it keeps the sequence of the last one.</summary>
public interface IJournaledState
{
    /// <summary>Sequence of the last journal row this grain wrote; the next row takes the one after.</summary>
    long JournalSequence { get; set; }
}
