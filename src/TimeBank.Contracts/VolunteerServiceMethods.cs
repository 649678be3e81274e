using TimeBank.Rpc;

namespace TimeBank.Contracts.V1;

/// <summary>The methods of <c>timebank.v1.VolunteerService</c>, taken from the compiled descriptor.</summary>
public static class VolunteerServiceMethods
{
    public static readonly Google.Protobuf.Reflection.ServiceDescriptor Descriptor = VolunteerReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("VolunteerService");

    public static readonly Method<RegisterVolunteerRequest, RegisterVolunteerResponse> RegisterVolunteer =
        Method.FromDescriptor<RegisterVolunteerRequest, RegisterVolunteerResponse>(Descriptor.FindMethodByName("RegisterVolunteer"));

    public static readonly Method<DepositHoursRequest, DepositHoursResponse> DepositHours =
        Method.FromDescriptor<DepositHoursRequest, DepositHoursResponse>(Descriptor.FindMethodByName("DepositHours"));

    public static readonly Method<GetBalanceRequest, GetBalanceResponse> GetBalance =
        Method.FromDescriptor<GetBalanceRequest, GetBalanceResponse>(Descriptor.FindMethodByName("GetBalance"));
}
