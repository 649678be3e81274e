namespace TimeBank.Grains.Volunteers;

public sealed record VolunteerProfile(string VolunteerId, string DisplayName, string CommunityId, DateTimeOffset RegisteredAt);

/// <param name="Created">False when the volunteer was already registered with the same name and community.</param>
public sealed record Registration(VolunteerProfile Volunteer, bool Created);

public sealed record DepositReceipt(string RequestId, long MinutesCredited, long PointsAwarded, DateTimeOffset RecordedAt);

public sealed record VolunteerBalance(string VolunteerId, long HoursMinutes, long Points);
