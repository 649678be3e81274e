namespace TimeBank.LoadGen;

/// <summary>
/// The books after the run against what the server acknowledged, as DurableDeposits checks them in-process:
/// the minutes read back are those before the load plus every acknowledged deposit (transfers move minutes
/// between the run's own volunteers, so they add nothing); the points are those before plus every deposit's
/// award less every posted hold. Only acknowledged answers count, so a write the server confirmed and lost,
/// or applied twice, shows here.
/// </summary>
internal sealed record ConsistencyCheck(BalanceSum Before, BalanceSum After, long MinutesDeposited, long PointsAwarded, long PointsPosted)
{
    /// <summary>The funds' totals before and after, and what the run's donations and votes were acknowledged to have moved.</summary>
    public (FundSum Before, FundSum After, long Donated, long Reserved)? Funds { get; init; }

    public long ExpectedMinutes => Before.Minutes + MinutesDeposited;

    public long ExpectedPoints => Before.Points + PointsAwarded - PointsPosted;

    public bool Holds => After.Minutes == ExpectedMinutes && After.Points == ExpectedPoints
        && (Funds is not { } f || (f.After.Donated == f.Before.Donated + f.Donated && f.After.Reserved == f.Before.Reserved + f.Reserved));

    public static async Task<ConsistencyCheck> RunAsync(LoadGenOptions options, IReadOnlyList<Connection> connections, Population population, RunTally tally)
    {
        var after = await BalanceSum.ReadAsync(options, connections, population.Keys, population.Volunteers);
        var funds = population.Venues.Funds.Count == 0 ? ((FundSum, FundSum, long, long)?)null
            : (population.FundsBefore, await FundSum.ReadAsync(connections[0].Client, population.Keys, population.Venues), tally.MoneyDonated, tally.MoneyReserved);
        return new ConsistencyCheck(population.Before, after, tally.MinutesDeposited, tally.PointsAwarded, tally.PointsPosted) { Funds = funds };
    }

    public string Describe() =>
        $"minutes {Before.Minutes:N0} before + {MinutesDeposited:N0} deposited = {ExpectedMinutes:N0}, read back {After.Minutes:N0}; " +
        $"points {Before.Points:N0} before + {PointsAwarded:N0} awarded - {PointsPosted:N0} posted or redeemed = {ExpectedPoints:N0}, read back {After.Points:N0}" +
        (Funds is { } f
            ? $"; funds donated {f.Before.Donated:N0} + {f.Donated:N0} = {f.Before.Donated + f.Donated:N0}, read back {f.After.Donated:N0}; " +
              $"reserved {f.Before.Reserved:N0} + {f.Reserved:N0} = {f.Before.Reserved + f.Reserved:N0}, read back {f.After.Reserved:N0}"
            : "");
}
