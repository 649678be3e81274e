using ErrorReasons = TimeBank.Contracts.V1.ErrorReasons;
using TimeBank.Ledger;

namespace TimeBank.Grains.Volunteers;

/// <summary>
/// One hour transfer as its payer keeps it: stored with the payer's state from the moment its hours are
/// held until (and after) it ends, so whoever finishes it — the call that started it, a retry, or the
/// reminder after a crash — knows where it stands.
/// </summary>
public sealed class OutgoingTransfer
{
    public string RequestId { get; set; } = "";

    /// <summary>The key that asked for it; every row of it names this key.</summary>
    public string ActorKeyId { get; set; } = "";

    public string ToVolunteerId { get; set; } = "";

    /// <summary>The recipient's community when the transfer started (reports count a transfer out of one community and into another).</summary>
    public string ToCommunityId { get; set; } = "";

    public long Minutes { get; set; }

    public TransferCode Code { get; set; }

    public string Memo { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    public OutgoingTransferStatus Status { get; set; }

    /// <summary>When it completed or was refused; it is dropped from state a retention period later.</summary>
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>When completed: the payer's balances right after the hold was posted (the answer every retry gets).</summary>
    public VolunteerBalances? Balances { get; set; }

    /// <summary>When refused: the recipient's reason (a catalog code) and its facts, to answer retries with.</summary>
    public string RefusalCode { get; set; } = "";

    public Dictionary<string, string> RefusalFacts { get; set; } = new(StringComparer.Ordinal);

    internal VolunteerGrain.TransferOutcome ToOutcome(string transferId) => new(
        Status == OutgoingTransferStatus.Completed && Balances is { } balances
            ? new TransferReceipt(RequestId, transferId, ToVolunteerId, Minutes, StartedAt, balances)
            : null,
        Status == OutgoingTransferStatus.Refused ? RefusalCode : ErrorReasons.TransferInProgress.Code,
        Status == OutgoingTransferStatus.Refused ? RefusalFacts : new(StringComparer.Ordinal) { ["transfer_id"] = transferId });
}

public enum OutgoingTransferStatus
{
    /// <summary>The hours are held here; the recipient may or may not have credited them yet.</summary>
    Pending = 0,

    /// <summary>The recipient credited them and the hold was posted.</summary>
    Completed = 1,

    /// <summary>The recipient refused; the hold was voided and nothing moved.</summary>
    Refused = 2,
}
