using TimeBank.Runtime;

namespace TimeBank.Grains.Volunteers;

/// <summary>The typed reference callers hold (what Orleans would generate).</summary>
public sealed class VolunteerGrainReference(GrainReferenceContext context) : GrainReference(context), IVolunteerGrain
{
    public Task<Result<Registration>> RegisterVolunteerAsync(RegisterVolunteer command)
        => InvokeAsync(static (IVolunteerGrain g, RegisterVolunteer c) => g.RegisterVolunteerAsync(c), command);

    public Task<Result<DepositReceipt>> DepositHoursAsync(DepositHours command)
        => InvokeAsync(static (IVolunteerGrain g, DepositHours c) => g.DepositHoursAsync(c), command);

    public Task<Result<VolunteerBalance>> GetBalanceAsync()
        => InvokeAsync(static (IVolunteerGrain g, byte _) => g.GetBalanceAsync(), (byte)0);

    public Task<GrainOwner> GetOwnerAsync()
        => InvokeAsync(static (IVolunteerGrain g, byte _) => g.GetOwnerAsync(), (byte)0);
}
