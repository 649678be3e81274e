namespace TimeBank.Grains.Activities;

/// <param name="Category">One of the community's categories.</param>
/// <param name="MinutesPerVolunteer">1 to the community's most minutes per deposit.</param>
/// <param name="Capacity">1 to 100,000 places.</param>
/// <param name="SignUpDeadline">At or before <paramref name="StartsAt"/>.</param>
public sealed record PublishActivity(
    RequestKey Request,
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
    bool OpenToOtherCommunities);

public sealed record SignUp(RequestKey Request, string VolunteerId);

public sealed record Withdraw(RequestKey Request, string VolunteerId);

public sealed record CancelActivity(RequestKey Request, string Reason = "");

public sealed record AttendanceEntry(string VolunteerId, long Minutes);

/// <param name="Attendees">1 to 1,000 volunteers, each once, each with 1 to the activity's minutes.</param>
public sealed record ConfirmAttendance(RequestKey Request, IReadOnlyList<AttendanceEntry> Attendees);
