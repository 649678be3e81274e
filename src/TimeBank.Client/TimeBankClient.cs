using Grpc.Health.V1;
using TimeBank.Contracts.V1;
using TimeBank.Rpc.Client;
using TimeBank.Rpc.Health;

namespace TimeBank.Client;

/// <summary>
/// The TimeBank API from .NET: one method per rpc of protos/timebank/v1, generated from the .proto files by
/// TimeBank.CodeGen (e.g. <c>DepositHoursAsync</c>); what is written here is the connection and health. Every failure is an <see cref="Rpc.RpcException"/> whose
/// <see cref="Rpc.RpcException.Reason"/> is one of <see cref="ErrorReasons"/>.
/// </summary>
public sealed partial class TimeBankClient : IDisposable
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
