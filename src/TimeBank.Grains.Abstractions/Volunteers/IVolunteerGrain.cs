using TimeBank.Runtime;

namespace TimeBank.Grains.Volunteers;

/// <summary>One volunteer: registration, service hours and points. Keyed by volunteer id.</summary>
public interface IVolunteerGrain : IGrainWithStringKey, IScopedGrain
{
    /// <summary>Registers the volunteer; the same name and community again changes nothing (<c>Created</c> false).</summary>
    Task<Result<Registration>> RegisterVolunteerAsync(RegisterVolunteer command);

    /// <summary>Credits minutes of verified service and the points they earn. Idempotent by request key.</summary>
    Task<Result<DepositReceipt>> DepositHoursAsync(DepositHours command);

    Task<Result<VolunteerBalance>> GetBalanceAsync();

    /// <summary>A page of the volunteer's statement, newest first, with each line's running balance.</summary>
    Task<Result<Statement>> GetStatementAsync(GetStatement query);
}
