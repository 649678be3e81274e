namespace TimeBank.Grains.Internal;

/// <summary>State whose grain writes journal rows: it keeps the sequence and chain hash of the last one.</summary>
public interface IJournaledState
{
    /// <summary>Sequence of the last journal row this grain wrote; the next row takes the one after.</summary>
    long JournalSequence { get; set; }

    /// <summary>
    /// Chain hash of the last journal row (the chain's head; empty before the first row, and in state written
    /// before the journal was chained, when the grain reads it from its last row).
    /// </summary>
    byte[] JournalHash { get; set; }
}
