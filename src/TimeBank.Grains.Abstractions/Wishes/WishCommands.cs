namespace TimeBank.Grains.Wishes;

/// <param name="ForWhom">Who it is for, 1-200 characters.</param>
/// <param name="What">What is wished for, 1-200 characters.</param>
/// <param name="Minutes">What fulfilling it is worth: 1 to the community's most minutes per deposit.</param>
/// <param name="Category">One of the community's categories.</param>
public sealed record PostWish(RequestKey Request, string CommunityId, string ForWhom, string What, long Minutes, string Category);

public sealed record ClaimWish(RequestKey Request, string VolunteerId);

public sealed record ReleaseWish(RequestKey Request, string VolunteerId);

public sealed record WithdrawWish(RequestKey Request, string Reason = "");

public sealed record ConfirmWishFulfilled(RequestKey Request);
