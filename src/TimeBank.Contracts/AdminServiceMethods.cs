using TimeBank.Rpc;

namespace TimeBank.Contracts.V1;

/// <summary>The methods of <c>timebank.v1.AdminService</c>, taken from the compiled descriptor.</summary>
public static class AdminServiceMethods
{
    public static readonly Google.Protobuf.Reflection.ServiceDescriptor Descriptor = AdminReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("AdminService");

    public static readonly Method<CreateKeyRequest, CreateKeyResponse> CreateKey =
        Method.FromDescriptor<CreateKeyRequest, CreateKeyResponse>(Descriptor.FindMethodByName("CreateKey"));

    public static readonly Method<ListKeysRequest, ListKeysResponse> ListKeys =
        Method.FromDescriptor<ListKeysRequest, ListKeysResponse>(Descriptor.FindMethodByName("ListKeys"));

    public static readonly Method<RevokeKeyRequest, RevokeKeyResponse> RevokeKey =
        Method.FromDescriptor<RevokeKeyRequest, RevokeKeyResponse>(Descriptor.FindMethodByName("RevokeKey"));
}
