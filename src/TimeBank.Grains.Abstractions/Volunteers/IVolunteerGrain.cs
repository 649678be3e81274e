using TimeBank.Runtime;

namespace TimeBank.Grains.Volunteers;

/// <summary>One volunteer: registration, service hours and points. Keyed by volunteer id.</summary>
public interface IVolunteerGrain : IGrainWithStringKey
{
    Task<RegisterVolunteerResult> RegisterAsync(RegisterVolunteer command);

    /// <summary>Credits minutes of verified service and the points they earn. Idempotent by request id.</summary>
    Task<DepositHoursResult> DepositHoursAsync(DepositHours command);

    Task<GetBalanceResult> GetBalanceAsync();
}
