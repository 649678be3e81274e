namespace TimeBank.Grains.Wishes;

public enum WishStatus
{
    Open = 1,
    Claimed = 2,
    Fulfilled = 3,
    Withdrawn = 4,
}

/// <param name="VolunteerId">Who holds or fulfilled it; empty when open or withdrawn.</param>
/// <param name="HoursTransferId">When fulfilled: the row that credited the volunteer.</param>
public sealed record WishProfile(
    string WishId,
    string CommunityId,
    string ForWhom,
    string What,
    long Minutes,
    string Category,
    WishStatus Status,
    string VolunteerId,
    DateTimeOffset PostedAt,
    string HoursTransferId,
    long Points);

/// <param name="Created">False when it was already posted with the same content.</param>
public sealed record WishPosting(WishProfile Wish, bool Created);

public sealed record WishView(WishProfile Wish);
