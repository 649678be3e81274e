using TimeBank.Grains.Internal;

namespace TimeBank.Grains.Wishes;

/// <summary>A wish's stored state.</summary>
public sealed class WishState : IJournaledState
{
    public string CommunityId { get; set; } = "";

    public string ForWhom { get; set; } = "";

    public string What { get; set; } = "";

    public long Minutes { get; set; }

    public string Category { get; set; } = "";

    public WishStatus Status { get; set; } = WishStatus.Open;

    public string VolunteerId { get; set; } = "";

    public DateTimeOffset PostedAt { get; set; }

    public string WithdrawReason { get; set; } = "";

    /// <summary>Confirmed fulfilled, the volunteer's credit not yet marked here: the reminder finishes it.</summary>
    public bool CreditPending { get; set; }

    /// <summary>The key that confirmed it; the volunteer's journal row names it.</summary>
    public string ConfirmedBy { get; set; } = "";

    public string HoursTransferId { get; set; } = "";

    public long Points { get; set; }

    /// <summary>A wish writes no journal rows of its own (the credit is the volunteer's).</summary>
    public long JournalSequence { get; set; }

    public byte[] JournalHash { get; set; } = [];
}
