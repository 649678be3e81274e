using Grpc.Health.V1;
using TimeBank.Contracts.V1;
using TimeBank.Rpc.Client;
using TimeBank.Rpc.Health;

namespace TimeBank.Client;

/// <summary>
/// The TimeBank API from .NET. Every failure is an <see cref="Rpc.RpcException"/> whose
/// <see cref="Rpc.RpcException.Reason"/> is one of <see cref="ErrorReasons"/>.
/// </summary>
public sealed class TimeBankClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly bool _ownsChannel;

    public TimeBankClient(GrpcChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        _channel = channel;
    }

    private TimeBankClient(GrpcChannel channel, bool ownsChannel)
        : this(channel)
    {
        _ownsChannel = ownsChannel;
    }

    /// <summary>A client with its own channel, e.g. <c>TimeBankClient.Connect("http://127.0.0.1:5000", apiKey)</c>;
    /// every call sends <c>authorization: Bearer &lt;apiKey&gt;</c>.</summary>
    public static TimeBankClient Connect(string address, string? apiKey = null, GrpcChannelOptions? options = null)
    {
        options ??= new GrpcChannelOptions();
        if (apiKey is not null)
        {
            options.DefaultHeaders = [.. options.DefaultHeaders, new("authorization", $"Bearer {apiKey}")];
        }

        return new(GrpcChannel.ForAddress(address, options), ownsChannel: true);
    }

    public Task<RegisterVolunteerResponse> RegisterVolunteerAsync(RegisterVolunteerRequest request, CallOptions options = default)
        => _channel.UnaryAsync(VolunteerServiceMethods.RegisterVolunteer, request, options);

    public Task<DepositHoursResponse> DepositHoursAsync(DepositHoursRequest request, CallOptions options = default)
        => _channel.UnaryAsync(VolunteerServiceMethods.DepositHours, request, options);

    public Task<GetBalanceResponse> GetBalanceAsync(GetBalanceRequest request, CallOptions options = default)
        => _channel.UnaryAsync(VolunteerServiceMethods.GetBalance, request, options);

    public Task<CreateKeyResponse> CreateKeyAsync(CreateKeyRequest request, CallOptions options = default)
        => _channel.UnaryAsync(AdminServiceMethods.CreateKey, request, options);

    public Task<ListKeysResponse> ListKeysAsync(ListKeysRequest request, CallOptions options = default)
        => _channel.UnaryAsync(AdminServiceMethods.ListKeys, request, options);

    public Task<RevokeKeyResponse> RevokeKeyAsync(RevokeKeyRequest request, CallOptions options = default)
        => _channel.UnaryAsync(AdminServiceMethods.RevokeKey, request, options);

    public Task<HealthCheckResponse> CheckHealthAsync(string service = "", CallOptions options = default)
        => _channel.UnaryAsync(HealthService.CheckMethod, new HealthCheckRequest { Service = service }, options);

    public void Dispose()
    {
        if (_ownsChannel)
        {
            _channel.Dispose();
        }
    }
}
