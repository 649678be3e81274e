namespace TimeBank.Grains.Volunteers;

public sealed record RegisterVolunteer(string DisplayName, string CommunityId);

/// <param name="RequestId">The client's id for this deposit; a retry sends the same id and content.</param>
/// <param name="ActivityId">The activity the service was done for.</param>
/// <param name="Minutes">Minutes of service, 1 to 1,440.</param>
public sealed record DepositHours(string RequestId, string ActivityId, long Minutes);
