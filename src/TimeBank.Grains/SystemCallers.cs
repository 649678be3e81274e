namespace TimeBank.Grains;

/// <summary>
/// Request-key callers for work the grains do for themselves (the steps of a transfer, a lapsed hold). Each
/// contains a '/', which no API key id has, so their request ids never meet a client's.
/// </summary>
public static class SystemCallers
{
    public const string Transfers = "system/transfers";

    public const string Holds = "system/holds";

    public const string Reversals = "system/reversals";

    public const string Activities = "system/activities";

    public const string Wishes = "system/wishes";

    public const string Stores = "system/stores";

    public const string Funds = "system/funds";
}
