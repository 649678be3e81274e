using TimeBank.Grains.Internal;
using TimeBank.Grains.Reports;
using TimeBank.Ledger;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Volunteers;

/// <summary>
/// What a volunteer's journal rows count in the community figures (see <see cref="Figures"/>): service and its
/// reversals under the community that issued it (the one named by the row's account), the rest under the
/// volunteer's own community; and the volunteer's standing in their community's rankings by hours.
/// </summary>
public sealed partial class VolunteerGrain
{
    protected override void Report(Transfer transfer, Changes changes)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        ArgumentNullException.ThrowIfNull(changes);
        var community = State.CommunityId;
        var at = transfer.Timestamp;
        switch (transfer.Code, transfer.Kind)
        {
            case (TransferCode.Service, TransferKind.Posted) when AccountNames.IssuingCommunity(transfer.DebitAccount) is { } issuer:
                if (transfer.Ledger == LedgerKind.Hours)
                {
                    changes.Count(issuer, Figures.HoursCredited, transfer.Category, transfer.Amount, at);
                    Rank(changes, transfer.Amount, served: true, at);
                }
                else
                {
                    changes.Count(issuer, Figures.PointsIssued, transfer.Category, transfer.Amount, at);
                }

                break;

            case (TransferCode.Reversal, TransferKind.Posted) when AccountNames.IssuingCommunity(transfer.CreditAccount) is { } issuer:
                if (transfer.Ledger == LedgerKind.Hours)
                {
                    changes.Count(issuer, Figures.HoursReversed, transfer.Category, transfer.Amount, at);
                    Rank(changes, -transfer.Amount, served: false, at);
                }
                else
                {
                    changes.Count(issuer, Figures.PointsReversed, transfer.Category, transfer.Amount, at);
                }

                break;

            case (TransferCode.Reversal, TransferKind.Posted) when transfer.DebitAccount == AccountNames.HoursInTransit:
                // The payer of a reversed transfer gets its hours back: the reversal has completed.
                changes.Count(community, Figures.HoursTransfersReversed, "", transfer.Amount, at);
                break;

            case (TransferCode.Redemption, TransferKind.PostPending or TransferKind.Posted):
                changes.Count(community, Figures.PointsRedeemed, transfer.Category, transfer.Amount, at);
                break;

            case (TransferCode.Refund, TransferKind.Posted):
                changes.Count(community, Figures.PointsRefunded, transfer.Category, transfer.Amount, at);
                break;
        }
    }

    // Registered once the state names its community (in the registration's own write, before the state exists in storage).
    protected override Storage.Reports.Standing? CurrentStanding => State.CommunityId.Length > 0
        ? new Storage.Reports.Standing(State.CommunityId, VolunteerId, State.Ranking.Month, State.Ranking.MonthMinutes, State.Ranking.Year, State.Ranking.YearMinutes, State.Ranking.AllMinutes)
        : null;

    /// <summary>
    /// Moves the volunteer's standing by <paramref name="minutes"/> in the month and year of <paramref name="at"/>
    /// (a new month or year starts from zero) and all time; a service marks the volunteer active in that month, year
    /// and ever, once each.
    /// </summary>
    private void Rank(Changes changes, long minutes, bool served, DateTimeOffset at)
    {
        var ranking = State.Ranking;
        var (month, year) = (Periods.Month(at), Periods.Year(at));
        if (ranking.Month != month)
        {
            (ranking.Month, ranking.MonthMinutes) = (month, 0);
        }

        if (ranking.Year != year)
        {
            (ranking.Year, ranking.YearMinutes) = (year, 0);
        }

        ranking.MonthMinutes += minutes;
        ranking.YearMinutes += minutes;
        ranking.AllMinutes += minutes;
        if (!served)
        {
            return;
        }

        if (ranking.ServedMonth != month)
        {
            if (ranking.ServedMonth.Length == 0)
            {
                changes.Mark(State.CommunityId, Periods.AllTime, VolunteerId);
            }

            changes.Mark(State.CommunityId, month, VolunteerId);
            ranking.ServedMonth = month;
        }

        if (ranking.ServedYear != year)
        {
            changes.Mark(State.CommunityId, year, VolunteerId);
            ranking.ServedYear = year;
        }
    }

    /// <summary>A completed transfer, counted once by its payer: within the community, or out of it and into the recipient's.</summary>
    private void CountCompletedTransfer(OutgoingTransfer transfer, Changes changes)
    {
        // A transfer started before recipients' communities were recorded is counted as within.
        var to = transfer.ToCommunityId.Length > 0 ? transfer.ToCommunityId : State.CommunityId;
        if (to == State.CommunityId)
        {
            changes.Count(State.CommunityId, Figures.HoursTransferredWithin, "", transfer.Minutes);
        }
        else
        {
            changes.Count(State.CommunityId, Figures.HoursTransferredOut, "", transfer.Minutes);
            changes.Count(to, Figures.HoursTransferredIn, "", transfer.Minutes);
        }
    }
}
