namespace TimeBank.Ledger;

/// <summary>Limits that separate a plausible amount from a typo or an attack.</summary>
public static class Amounts
{
    /// <summary>One deposit of service time covers at most one day.</summary>
    public const long MaxMinutesPerDeposit = 24 * 60;

    /// <summary>
    /// The largest amount one transfer may move on any ledger (10^15: ten trillion yuan in fen). Anything
    /// larger is a typo or an attack, and keeping amounts this far below 2^63 keeps sums of many of them exact.
    /// </summary>
    public const long MaxTransferAmount = 1_000_000_000_000_000;

    /// <summary>Highest points-per-hour rate a community may set.</summary>
    public const long MaxPointsPerHour = 10_000;

    public static void EnsurePositive(long amount)
    {
        if (amount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "Ledger amounts are positive.");
        }
    }

    /// <summary>Points earned for <paramref name="minutes"/> of service at <paramref name="pointsPerHour"/>, rounded down.</summary>
    public static long PointsForMinutes(long minutes, long pointsPerHour)
    {
        if (minutes < 0 || minutes > MaxMinutesPerDeposit)
        {
            throw new ArgumentOutOfRangeException(nameof(minutes), minutes, "Minutes are outside one deposit's range.");
        }

        if (pointsPerHour < 0 || pointsPerHour > MaxPointsPerHour)
        {
            throw new ArgumentOutOfRangeException(nameof(pointsPerHour), pointsPerHour, "Points per hour are outside the allowed range.");
        }

        return checked(minutes * pointsPerHour) / 60;
    }
}
