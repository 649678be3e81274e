using TimeBank.Ledger;

namespace TimeBank.Grains.Volunteers;

/// <summary>
/// One reversal as the volunteer whose transfer it undoes keeps it. A deposit's reversal completes in one
/// write; a paid transfer's waits (Pending) until its recipient has given the minutes back, and a refusal
/// (the recipient lacks them) is kept so the same request gets the same answer, while a new request may try again.
/// </summary>
public sealed class ReversalRecord
{
    public string RequestId { get; set; } = "";

    public string CallerKeyId { get; set; } = "";

    public string ActorKeyId { get; set; } = "";

    public string Memo { get; set; } = "";

    public LedgerKind Ledger { get; set; }

    public long Amount { get; set; }

    /// <summary>For a transfer: who gives the minutes back.</summary>
    public string FromVolunteerId { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    /// <summary>1 for the first try; a new request after a refusal tries again as the next.</summary>
    public int Attempt { get; set; }

    public OutgoingTransferStatus Status { get; set; }

    /// <summary>When completed: the compensating row on this volunteer's journal.</summary>
    public string ReversalId { get; set; } = "";

    public VolunteerBalances? Balances { get; set; }

    public string RefusalCode { get; set; } = "";

    public Dictionary<string, string> RefusalFacts { get; set; } = new(StringComparer.Ordinal);
}
