namespace TimeBank.Grains.Volunteers;

public sealed record RegisterVolunteer(RequestKey Request, string DisplayName, string CommunityId);

/// <param name="Request">The caller and its id for this deposit; a retry sends the same id and content.</param>
/// <param name="ActivityId">The activity the service was done for.</param>
/// <param name="Minutes">Minutes of service, 1 to the community's most per deposit (at most 1,440).</param>
/// <param name="Category">One of the community's service categories, or empty.</param>
public sealed record DepositHours(RequestKey Request, string ActivityId, long Minutes, string Category = "");
