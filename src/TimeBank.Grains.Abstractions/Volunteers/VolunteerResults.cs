namespace TimeBank.Grains.Volunteers;

public enum RegisterVolunteerStatus
{
    /// <summary>Registered now.</summary>
    Registered,

    /// <summary>Already registered with the same name and community: nothing changed.</summary>
    AlreadyRegistered,

    InvalidVolunteerId,
    InvalidDisplayName,
    InvalidCommunityId,

    /// <summary>The id is taken by a volunteer with another name or community.</summary>
    VolunteerIdTaken,
}

public enum DepositHoursStatus
{
    /// <summary>Credited now.</summary>
    Deposited,

    /// <summary>A retry of a deposit already credited: the first receipt is returned, nothing is credited again.</summary>
    AlreadyDeposited,

    InvalidRequestId,
    InvalidActivityId,
    MinutesNotPositive,
    MinutesTooLarge,
    VolunteerNotFound,

    /// <summary>The request id was used before with other content.</summary>
    RequestIdReused,
}

public enum GetBalanceStatus
{
    Ok,
    VolunteerNotFound,
}

public sealed record VolunteerProfile(string VolunteerId, string DisplayName, string CommunityId, DateTimeOffset RegisteredAt);

public sealed record RegisterVolunteerResult(RegisterVolunteerStatus Status, VolunteerProfile? Volunteer);

public sealed record DepositReceipt(string RequestId, long MinutesCredited, long PointsAwarded, DateTimeOffset RecordedAt);

public sealed record DepositHoursResult(DepositHoursStatus Status, DepositReceipt? Receipt)
{
    public bool Succeeded => Status is DepositHoursStatus.Deposited or DepositHoursStatus.AlreadyDeposited;
}

public sealed record VolunteerBalance(string VolunteerId, long HoursMinutes, long Points);

public sealed record GetBalanceResult(GetBalanceStatus Status, VolunteerBalance? Balance);
