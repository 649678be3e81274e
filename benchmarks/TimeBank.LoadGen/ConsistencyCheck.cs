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
    public long ExpectedMinutes => Before.Minutes + MinutesDeposited;

    public long ExpectedPoints => Before.Points + PointsAwarded - PointsPosted;

    public bool Holds => After.Minutes == ExpectedMinutes && After.Points == ExpectedPoints;

    public static async Task<ConsistencyCheck> RunAsync(LoadGenOptions options, IReadOnlyList<Connection> connections, Population population, RunTally tally)
    {
        var after = await BalanceSum.ReadAsync(options, connections, population.Keys, population.Volunteers);
        return new ConsistencyCheck(population.Before, after, tally.MinutesDeposited, tally.PointsAwarded, tally.PointsPosted);
    }

    public string Describe() =>
        $"minutes {Before.Minutes:N0} before + {MinutesDeposited:N0} deposited = {ExpectedMinutes:N0}, read back {After.Minutes:N0}; " +
        $"points {Before.Points:N0} before + {PointsAwarded:N0} awarded - {PointsPosted:N0} posted = {ExpectedPoints:N0}, read back {After.Points:N0}";
}
