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
                    changes.Rank(community, VolunteerId, transfer.Amount, services: 1, at);
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
                    changes.Rank(community, VolunteerId, -transfer.Amount, services: 0, at);
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
