using TimeBank.Runtime;

namespace TimeBank.Grains.Volunteers;

/// <summary>The typed reference callers hold (what Orleans would generate).</summary>
public sealed class VolunteerGrainReference(GrainReferenceContext context) : GrainReference(context), IVolunteerGrain
{
    public Task<RegisterVolunteerResult> RegisterAsync(RegisterVolunteer command)
        => InvokeAsync(static (IVolunteerGrain g, RegisterVolunteer c) => g.RegisterAsync(c), command);

    public Task<DepositHoursResult> DepositHoursAsync(DepositHours command)
        => InvokeAsync(static (IVolunteerGrain g, DepositHours c) => g.DepositHoursAsync(c), command);

    public Task<GetBalanceResult> GetBalanceAsync()
        => InvokeAsync(static (IVolunteerGrain g, byte _) => g.GetBalanceAsync(), (byte)0);
}
