namespace TimeBank.Grains.Volunteers;

public sealed record RegisterVolunteer(RequestKey Request, string DisplayName, string CommunityId);

/// <param name="Request">The caller and its id for this deposit; a retry sends the same id and content.</param>
/// <param name="ActivityId">The activity the service was done for.</param>
/// <param name="Minutes">Minutes of service, 1 to 1,440.</param>
public sealed record DepositHours(RequestKey Request, string ActivityId, long Minutes);
