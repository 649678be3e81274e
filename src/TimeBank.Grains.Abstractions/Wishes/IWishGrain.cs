using TimeBank.Runtime;

namespace TimeBank.Grains.Wishes;

/// <summary>One micro-wish: posted, claimed by one volunteer, fulfilled (crediting that volunteer once) or withdrawn. Keyed by wish id.</summary>
public interface IWishGrain : IGrainWithStringKey, IScopedGrain
{
    Task<Result<WishPosting>> PostWishAsync(PostWish command);

    Task<Result<WishView>> GetWishAsync();

    Task<Result<WishView>> ClaimWishAsync(ClaimWish command);

    Task<Result<WishView>> ReleaseWishAsync(ReleaseWish command);

    Task<Result<WishView>> WithdrawWishAsync(WithdrawWish command);

    /// <summary>Credits the claiming volunteer once, also across retries and crashes (a reminder finishes it).</summary>
    Task<Result<WishView>> ConfirmWishFulfilledAsync(ConfirmWishFulfilled command);
}
