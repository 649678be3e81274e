namespace TimeBank.Grains.Reports;

/// <summary>
/// The names of the running totals a community's reports are made of (tally names in storage), and the
/// periods they are kept by. A figure is counted by the write that makes it true, in the same transaction.
/// </summary>
public static class Figures
{
    public const string VolunteersRegistered = "volunteers.registered";

    /// <summary>An activity is held when its first attendance is confirmed.</summary>
    public const string ActivitiesHeld = "activities.held";

    public const string HoursCredited = "hours.credited";
    public const string HoursReversed = "hours.reversed";
    public const string PointsIssued = "points.issued";
    public const string PointsReversed = "points.reversed";

    /// <summary>Points spent: a store sale (online or synced offline) or a posted hold of the HoldPoints API.</summary>
    public const string PointsRedeemed = "points.redeemed";

    public const string PointsRefunded = "points.refunded";

    /// <summary>Hours a community's volunteers gave to volunteers of another community (counted when the transfer completes).</summary>
    public const string HoursTransferredOut = "hours.transferred-out";

    /// <summary>Hours a community's volunteers received from volunteers of another community.</summary>
    public const string HoursTransferredIn = "hours.transferred-in";

    /// <summary>Hours moved between two volunteers of the same community.</summary>
    public const string HoursTransferredWithin = "hours.transferred-within";

    /// <summary>Hours a reversed transfer took back from the volunteer who had received them.</summary>
    public const string HoursTransfersReversed = "hours.transfers-reversed";

    /// <summary>Money figures are kept per currency: <c>money.donated/CNY</c>.</summary>
    public const string MoneyDonated = "money.donated";

    /// <summary>Money set aside by an approved allocation.</summary>
    public const string MoneyReserved = "money.reserved";

    /// <summary>Money an allocation had reserved and gave back (cancelled).</summary>
    public const string MoneyReleased = "money.released";

    public const string MoneyPaidOut = "money.paid-out";

    public static string Money(string figure, string currency) => $"{figure}/{currency}";
}
