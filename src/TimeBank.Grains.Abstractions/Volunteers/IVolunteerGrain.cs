using TimeBank.Runtime;

namespace TimeBank.Grains.Volunteers;

/// <summary>One volunteer: registration, service hours and points. Keyed by volunteer id.</summary>
public interface IVolunteerGrain : IGrainWithStringKey, IScopedGrain
{
    /// <summary>Registers the volunteer; the same name and community again changes nothing (<c>Created</c> false).</summary>
    Task<Result<Registration>> RegisterVolunteerAsync(RegisterVolunteer command);

    /// <summary>Credits minutes of verified service and the points they earn. Idempotent by request key.</summary>
    Task<Result<DepositReceipt>> DepositHoursAsync(DepositHours command);

    Task<Result<VolunteerBalance>> GetBalanceAsync();

    /// <summary>The volunteer's display name, or empty when there is no such volunteer (for reports that list volunteers).</summary>
    Task<string> GetDisplayNameAsync();

    /// <summary>
    /// Moves hours to another volunteer: holds them here, has the recipient credit them, then posts the hold
    /// (or voids it if the recipient refuses). Interrupted, it finishes from a reminder.
    /// </summary>
    Task<Result<TransferReceipt>> TransferHoursAsync(TransferHours command);

    /// <summary>The recipient's step of <see cref="TransferHoursAsync"/>; called by the payer's grain only.</summary>
    Task<Result<TransferCredited>> ReceiveTransferAsync(ReceiveTransfer command);

    /// <summary>Holds points until posted, voided or lapsed (the community's hold expiry).</summary>
    Task<Result<HoldReceipt>> HoldPointsAsync(HoldPoints command);

    Task<Result<HoldSettled>> PostHoldAsync(PostHold command);

    Task<Result<HoldSettled>> VoidHoldAsync(VoidHold command);

    /// <summary>
    /// Undoes a deposit's row or a transfer this volunteer paid with a compensating transfer, once. A transfer's
    /// minutes come back from its recipient (within the recipient's limit), as a saga finished by a reminder.
    /// </summary>
    Task<Result<ReversalReceipt>> ReverseTransferAsync(ReverseTransfer command);

    /// <summary>An activity's attendance credited as a deposit; called by the activity's grain only.</summary>
    Task<Result<DepositReceipt>> CreditServiceAsync(CreditService command);

    /// <summary>The recipient's step of reversing a transfer; called by the payer's grain only.</summary>
    Task<Result<TransferReturned>> ReturnTransferAsync(ReturnTransfer command);

    /// <summary>A store's hold on points for a sale; called by the store's grain only.</summary>
    Task<Result<StorePointsMoved>> HoldForStoreAsync(StoreHold command);

    /// <summary>Posts a store's hold; called by the store's grain only.</summary>
    Task<Result<StorePointsMoved>> PostStoreHoldAsync(StoreHoldPost command);

    /// <summary>Takes an offline sale's points at the time it happened; called by the store's grain only.</summary>
    Task<Result<StorePointsMoved>> DebitOfflineSaleAsync(OfflineDebit command);

    /// <summary>Gives back a refund's points; called by the store's grain only.</summary>
    Task<Result<StorePointsMoved>> CreditStoreRefundAsync(StoreRefundCredit command);

    /// <summary>A page of the volunteer's statement, newest first, with each line's running balance.</summary>
    Task<Result<Statement>> GetStatementAsync(GetStatement query);
}
