namespace TimeBank.Ledger;

/// <summary>The three ledgers. Amounts on each are integers in the ledger's unit.</summary>
public enum LedgerKind
{
    /// <summary>Service time, in minutes.</summary>
    Hours = 1,

    /// <summary>Reward points, whole points.</summary>
    Points = 2,

    /// <summary>Money, in minor units of the fund's currency (e.g. fen).</summary>
    Money = 3,
}
