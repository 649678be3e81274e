namespace TimeBank.Ledger;

/// <summary>Why a transfer happened. Stored as its number; never renumber.</summary>
public enum TransferCode
{
    Service = 1,
    Gift = 2,
    Redemption = 3,
    Refund = 4,
    Donation = 5,
    Allocation = 6,
    Payout = 7,
    Reversal = 8,

    /// <summary>Hours given in return for a service received from another volunteer.</summary>
    Exchange = 9,

    /// <summary>A hold that lapsed unposted, voided by the system.</summary>
    Expiry = 10,
}
