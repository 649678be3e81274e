using TimeBank.Grains.Internal;
using TimeBank.Grains.Reports;
using TimeBank.Ledger;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Funds;

/// <summary>
/// What a fund's journal rows count in its community's money figures, in the fund's currency and under the
/// purpose the money is for (the row's category; empty for money not earmarked).
/// </summary>
public sealed partial class FundGrain
{
    protected override void Report(Transfer transfer, Changes changes)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        ArgumentNullException.ThrowIfNull(changes);
        var figure = (transfer.Code, transfer.Kind) switch
        {
            (TransferCode.Donation, TransferKind.Posted) => Figures.MoneyDonated,
            (TransferCode.Allocation, TransferKind.Pending) => Figures.MoneyReserved,
            (TransferCode.Allocation, TransferKind.VoidPending) => Figures.MoneyReleased,
            (TransferCode.Payout, TransferKind.PostPending) => Figures.MoneyPaidOut,
            _ => null,
        };
        if (figure is not null)
        {
            changes.Count(State.CommunityId, Figures.Money(figure, State.Currency), transfer.Category, transfer.Amount, transfer.Timestamp);
        }
    }
}
