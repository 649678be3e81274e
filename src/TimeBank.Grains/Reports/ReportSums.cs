using TimeBank.Storage.Reports;

namespace TimeBank.Grains.Reports;

/// <summary>Turns summed tallies (<see cref="Figures"/> by name) into the figures a report shows.</summary>
internal static class ReportSums
{
    /// <param name="registeredBefore">Volunteers registered before the tallies' first period (for the running total).</param>
    /// <param name="countsVolunteers">False where volunteers are not kept (a category): their figures stay 0.</param>
    public static ReportFigures Figures(IEnumerable<TallySum> sums, long registeredBefore, long active, bool countsVolunteers = true)
    {
        var byName = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sum in sums)
        {
            byName[sum.Name] = checked(byName.GetValueOrDefault(sum.Name) + sum.Amount);
        }

        long Get(string name) => byName.GetValueOrDefault(name);
        var registered = countsVolunteers ? Get(Reports.Figures.VolunteersRegistered) : 0;
        var money = byName.Keys
            .Where(n => n.StartsWith("money.", StringComparison.Ordinal) && n.Contains('/', StringComparison.Ordinal))
            .Select(n => n[(n.IndexOf('/', StringComparison.Ordinal) + 1)..])
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(currency => new MoneyFigures(
                currency,
                Get(Reports.Figures.Money(Reports.Figures.MoneyDonated, currency)),
                Get(Reports.Figures.Money(Reports.Figures.MoneyReserved, currency)),
                Get(Reports.Figures.Money(Reports.Figures.MoneyReleased, currency)),
                Get(Reports.Figures.Money(Reports.Figures.MoneyPaidOut, currency))))
            .ToList();
        return new ReportFigures(
            VolunteersRegistered: registered,
            VolunteersRegisteredTotal: countsVolunteers ? registeredBefore + registered : 0,
            ActiveVolunteers: countsVolunteers ? active : 0,
            ActivitiesHeld: Get(Reports.Figures.ActivitiesHeld),
            MinutesCredited: Get(Reports.Figures.HoursCredited),
            MinutesReversed: Get(Reports.Figures.HoursReversed),
            PointsIssued: Get(Reports.Figures.PointsIssued),
            PointsReversed: Get(Reports.Figures.PointsReversed),
            PointsRedeemed: Get(Reports.Figures.PointsRedeemed),
            PointsRefunded: Get(Reports.Figures.PointsRefunded),
            MinutesTransferredIn: Get(Reports.Figures.HoursTransferredIn),
            MinutesTransferredOut: Get(Reports.Figures.HoursTransferredOut),
            MinutesTransferredWithin: Get(Reports.Figures.HoursTransferredWithin),
            MinutesTransfersReversed: Get(Reports.Figures.HoursTransfersReversed),
            Money: money);
    }

    /// <summary>True when every figure is zero (what a category holds when only registrations, kept by month alone, fell in it).</summary>
    public static bool IsEmpty(ReportFigures f)
        => f.Money.Count == 0 && f.VolunteersRegistered == 0 && f.VolunteersRegisteredTotal == 0 && f.ActiveVolunteers == 0 && f.ActivitiesHeld == 0
           && f.MinutesCredited == 0 && f.MinutesReversed == 0 && f.PointsIssued == 0 && f.PointsReversed == 0 && f.PointsRedeemed == 0
           && f.PointsRefunded == 0 && f.MinutesTransferredIn == 0 && f.MinutesTransferredOut == 0 && f.MinutesTransferredWithin == 0
           && f.MinutesTransfersReversed == 0;
}
