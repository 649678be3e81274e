namespace TimeBank.Ledger;

/// <summary>
/// How a transfer moves its amount, as TigerBeetle's two-phase transfers do. Stored as its number; never
/// renumber.
/// </summary>
public enum TransferKind
{
    /// <summary>Moves the amount at once.</summary>
    Posted = 0,

    /// <summary>Reserves the amount (a hold) until it is posted or voided, or its timeout passes.</summary>
    Pending = 1,

    /// <summary>Completes a pending transfer with its amount or less; the rest is released.</summary>
    PostPending = 2,

    /// <summary>Releases a pending transfer whole.</summary>
    VoidPending = 3,
}
