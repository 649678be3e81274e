using TimeBank.Contracts.V1;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Internal;
using TimeBank.Grains.Volunteers;
using TimeBank.Runtime;

namespace TimeBank.Grains.Wishes;

/// <summary>
/// One micro-wish. Fulfilment credits the claiming volunteer as an activity of one, in the same two durable
/// steps: the confirmation is recorded with a <c>credit</c> reminder, then the volunteer's grain credits it
/// under the system key <c>system/wishes</c> + wish + volunteer (looked up first, so never twice), then the
/// wish is marked fulfilled. A crash between them leaves the reminder to finish it.
/// </summary>
public sealed class WishGrain(PolicyCache policies, TimeBankGrainOptions options) : TimeBankGrain<WishState>, IWishGrain, IRemindable
{
    public const string TypeName = "wish";

    private const string CreditReminder = "credit";

    private static readonly TimeSpan CreditRetryInterval = TimeSpan.FromSeconds(5);

    private string WishId => GrainId.Key;

    public Task<GrainOwner> GetOwnerAsync() => Task.FromResult(StateExists ? new GrainOwner(State.CommunityId) : GrainOwner.None);

    public async Task<Result<WishPosting>> PostWishAsync(PostWish command)
    {
        if (Validate(command) is { } invalid)
        {
            return invalid;
        }

        var rules = await policies.GetForCategoryAsync(GrainFactory, command.CommunityId, command.Category);
        if (!rules.Succeeded)
        {
            return rules.Failure;
        }

        if (command.Minutes > rules.Value.Settings.MaxMinutesPerDeposit)
        {
            return Failure.Of(ErrorReasons.MinutesTooLarge, ("minutes", command.Minutes), ("max", rules.Value.Settings.MaxMinutesPerDeposit));
        }

        return await MutateAsync(command.Request, command, Result<WishPosting> (c, changes) =>
        {
            if (StateExists)
            {
                var same = State.CommunityId == c.CommunityId && State.ForWhom == c.ForWhom.Trim() && State.What == c.What.Trim()
                           && State.Minutes == c.Minutes && State.Category == c.Category;
                return same ? new WishPosting(Profile(), Created: false) : Failure.Of(ErrorReasons.WishIdTaken, ("wish_id", WishId));
            }

            State.CommunityId = c.CommunityId;
            State.ForWhom = c.ForWhom.Trim();
            State.What = c.What.Trim();
            State.Minutes = c.Minutes;
            State.Category = c.Category;
            State.PostedAt = changes.Now;
            changes.StateWasChanged();
            return new WishPosting(Profile(), Created: true);
        });
    }

    public Task<Result<WishView>> GetWishAsync()
        => Task.FromResult<Result<WishView>>(StateExists ? new WishView(Profile()) : NotFound());

    public async Task<Result<WishView>> ClaimWishAsync(ClaimWish command)
    {
        if (RequestValidation.VolunteerRequest(command.Request, command.VolunteerId) is { } invalid)
        {
            return invalid;
        }

        if (!StateExists)
        {
            return NotFound();
        }

        // A volunteer's grain never calls a wish, so asking it from this turn cannot form a cycle.
        var volunteer = await GrainFactory.GetGrain<IVolunteerGrain>(command.VolunteerId).GetOwnerAsync();
        if (!volunteer.Exists)
        {
            return Failure.Of(ErrorReasons.VolunteerNotFound, ("volunteer_id", command.VolunteerId));
        }

        return await MutateAsync(command.Request, command, Result<WishView> (c, changes) =>
        {
            if (State.Status == WishStatus.Claimed && State.VolunteerId == c.VolunteerId)
            {
                return new WishView(Profile()); // claimed before by the same volunteer: nothing changes
            }

            if (State.Status != WishStatus.Open)
            {
                return NotOpen();
            }

            if (volunteer.CommunityId != State.CommunityId)
            {
                return Failure.Of(ErrorReasons.NotOpenToCommunity, ("what", "Wish"), ("id", WishId), ("community_id", volunteer.CommunityId));
            }

            State.Status = WishStatus.Claimed;
            State.VolunteerId = c.VolunteerId;
            changes.StateWasChanged();
            return new WishView(Profile());
        });
    }

    public async Task<Result<WishView>> ReleaseWishAsync(ReleaseWish command)
    {
        if (RequestValidation.VolunteerRequest(command.Request, command.VolunteerId) is { } invalid)
        {
            return invalid;
        }

        if (!StateExists)
        {
            return NotFound();
        }

        return await MutateAsync(command.Request, command, Result<WishView> (c, changes) =>
        {
            if (State.Status != WishStatus.Claimed || State.VolunteerId != c.VolunteerId)
            {
                return Failure.Of(ErrorReasons.WishNotClaimedBy, ("wish_id", WishId), ("volunteer_id", c.VolunteerId));
            }

            if (State.CreditPending)
            {
                return NotOpen();
            }

            State.Status = WishStatus.Open;
            State.VolunteerId = "";
            changes.StateWasChanged();
            return new WishView(Profile());
        });
    }

    public async Task<Result<WishView>> WithdrawWishAsync(WithdrawWish command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!Identifiers.IsValidMemo(command.Reason))
        {
            return Failure.Of(ErrorReasons.InvalidReason, ("max", Identifiers.MaxMemoLength));
        }

        if (!StateExists)
        {
            return NotFound();
        }

        return await MutateAsync(command.Request, command, Result<WishView> (c, changes) =>
        {
            if (State.Status == WishStatus.Withdrawn)
            {
                return new WishView(Profile());
            }

            if (State.Status == WishStatus.Fulfilled || State.CreditPending)
            {
                return NotOpen();
            }

            State.Status = WishStatus.Withdrawn;
            State.VolunteerId = "";
            State.WithdrawReason = c.Reason;
            changes.StateWasChanged();
            return new WishView(Profile());
        });
    }

    public async Task<Result<WishView>> ConfirmWishFulfilledAsync(ConfirmWishFulfilled command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!StateExists)
        {
            return NotFound();
        }

        // Looked up first: what follows drives the credit from this state, so it must be the stored one.
        var recorded = await MutateAsync(command.Request, command.Request.CallerKeyId, lookUpFirst: true, command, Result<WishView> (_, changes) =>
        {
            if (State.Status == WishStatus.Fulfilled || State.CreditPending)
            {
                return new WishView(Profile());
            }

            if (State.Status != WishStatus.Claimed)
            {
                return Failure.Of(ErrorReasons.WishNotClaimed, ("wish_id", WishId));
            }

            State.CreditPending = true;
            State.ConfirmedBy = changes.ActorKeyId;
            SetReminder(CreditReminder, changes.Now + CreditRetryInterval, CreditRetryInterval);
            changes.StateWasChanged();
            return new WishView(Profile());
        });
        if (!recorded.Succeeded)
        {
            return recorded.Failure;
        }

        if (StateDiscarded)
        {
            return Failure.Of(ErrorReasons.TransferInProgress, ("transfer_id", $"{GrainId}/credit"));
        }

        await options.StepHook("wish.recorded");
        await CreditAsync();
        return State.Status == WishStatus.Fulfilled && !StateDiscarded
            ? new WishView(Profile())
            : Failure.Of(ErrorReasons.TransferInProgress, ("transfer_id", $"{GrainId}/credit"));
    }

    public Task ReceiveReminderAsync(string name, DateTimeOffset due) => name == CreditReminder ? CreditAsync() : Task.CompletedTask;

    /// <summary>The volunteer's credit, then the mark here; nothing when no credit is pending.</summary>
    private async Task CreditAsync()
    {
        if (!State.CreditPending)
        {
            ClearReminder(CreditReminder); // stored by the host after a reminder's call
            return;
        }

        var credited = await GrainFactory.GetGrain<IVolunteerGrain>(State.VolunteerId).CreditServiceAsync(new CreditService(
            new RequestKey(SystemCallers.Wishes, $"{GrainId}/{State.VolunteerId}"), State.ConfirmedBy, WishId, State.CommunityId, State.Minutes, State.Category));
        if (!credited.Succeeded || StateDiscarded)
        {
            return; // asked again by the reminder; the credit is never repeated
        }

        await options.StepHook("wish.credited");
        await MutateAsync(new RequestKey(SystemCallers.Wishes, $"{GrainId}/fulfilled"), SystemCallers.Wishes, lookUpFirst: false, credited.Value.HoursTransferId,
            Result<WishView> (hoursTransferId, changes) =>
            {
                State.Status = WishStatus.Fulfilled;
                State.CreditPending = false;
                State.HoursTransferId = hoursTransferId;
                State.Points = credited.Value.PointsAwarded;
                ClearReminder(CreditReminder);
                changes.StateWasChanged();
                return new WishView(Profile());
            });
    }

    private WishProfile Profile() => new(
        WishId, State.CommunityId, State.ForWhom, State.What, State.Minutes, State.Category, State.Status, State.VolunteerId, State.PostedAt,
        State.HoursTransferId, State.Points);

    private Failure NotFound() => Failure.Of(ErrorReasons.WishNotFound, ("wish_id", WishId));

    private Failure NotOpen() => Failure.Of(ErrorReasons.WishNotOpen, ("wish_id", WishId), ("status", State.CreditPending ? "being fulfilled" : State.Status.ToString().ToLowerInvariant()));


    private static Failure? Validate(PostWish command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!Identifiers.IsValidId(command.CommunityId))
        {
            return Failure.Of(ErrorReasons.InvalidCommunityId, ("value", command.CommunityId));
        }

        if (!Identifiers.IsValidDisplayName(command.ForWhom))
        {
            return Failure.Of(ErrorReasons.InvalidForWhom);
        }

        if (!Identifiers.IsValidDisplayName(command.What))
        {
            return Failure.Of(ErrorReasons.InvalidWhat);
        }

        if (command.Minutes <= 0)
        {
            return Failure.Of(ErrorReasons.MinutesNotPositive, ("minutes", command.Minutes));
        }

        return command.Minutes > Ledger.Amounts.MaxMinutesPerDeposit
            ? Failure.Of(ErrorReasons.MinutesTooLarge, ("minutes", command.Minutes), ("max", Ledger.Amounts.MaxMinutesPerDeposit))
            : null;
    }
}
