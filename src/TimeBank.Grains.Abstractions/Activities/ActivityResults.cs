namespace TimeBank.Grains.Activities;

public enum ActivityStatus
{
    Open = 1,
    Cancelled = 2,
}

public enum SignUpStatus
{
    SignedUp = 1,
    Waiting = 2,
}

public sealed record ActivityProfile(
    string ActivityId,
    string CommunityId,
    string Category,
    string Title,
    string Description,
    string Place,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    long MinutesPerVolunteer,
    int Capacity,
    DateTimeOffset SignUpDeadline,
    bool OpenToOtherCommunities,
    ActivityStatus Status,
    int SignedUp,
    int Waiting,
    DateTimeOffset PublishedAt);

/// <param name="Created">False when it was already published with the same content.</param>
public sealed record ActivityPublication(ActivityProfile Activity, bool Created);

public sealed record ActivityDetails(ActivityProfile Activity, IReadOnlyList<string> SignedUpVolunteerIds, IReadOnlyList<string> WaitingVolunteerIds);

/// <param name="WaitingPosition">1 for the next to get a place; 0 with a place.</param>
public sealed record SignUpPlace(string ActivityId, string VolunteerId, SignUpStatus Status, int WaitingPosition);

/// <param name="PromotedVolunteerId">Who got the place freed; empty when none did.</param>
public sealed record Withdrawal(string ActivityId, string VolunteerId, string PromotedVolunteerId);

public sealed record ActivityCancellation(ActivityProfile Activity);

/// <param name="HoursTransferId">The row that credited the minutes on the volunteer's journal.</param>
public sealed record AttendanceCredit(string VolunteerId, long Minutes, long Points, string HoursTransferId);

public sealed record AttendanceConfirmation(string ActivityId, IReadOnlyList<AttendanceCredit> Credited);
