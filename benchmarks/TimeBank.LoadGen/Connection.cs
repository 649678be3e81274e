using TimeBank.Client;
using TimeBank.Rpc.Client;

namespace TimeBank.LoadGen;

/// <summary>
/// One HTTP/2 connection to the server: a handler of its own, its channel and a client over it. The channel's
/// default handler may open a second connection once the server's stream limit (Kestrel: 100) is reached;
/// this one never does, so <c>--connections N</c> means N sockets, and calls in flight beyond the server's
/// limit wait on the client, where their latency still counts.
/// </summary>
internal sealed class Connection : IDisposable
{
    private readonly SocketsHttpHandler _handler;
    private readonly GrpcChannel _channel;

    private Connection(SocketsHttpHandler handler, GrpcChannel channel)
    {
        _handler = handler;
        _channel = channel;
        Client = new TimeBankClient(channel);
    }

    /// <summary>The client; it sends no key of its own, each call names the key it needs (<see cref="CallKeys"/>).</summary>
    public TimeBankClient Client { get; }

    public static Connection Open(Uri address)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
        };
        return new Connection(handler, GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler }));
    }

    public void Dispose()
    {
        Client.Dispose();
        _channel.Dispose();
        _handler.Dispose();
    }
}

/// <summary>
/// The keys of a run, as per-call options: one connection carries calls of several keys. Each role is the
/// least its calls need: the app key for what an app backend does (register, read, transfer, hold), the
/// community-admin key for deposits (which the policy gives to community admins and organizers), and the
/// admin key only for setup.
/// </summary>
internal sealed record CallKeys(CallOptions Admin, CallOptions App, CallOptions CommunityAdmin)
{
    /// <summary>Long enough never to end a healthy call under load; short enough that a stuck one shows as DEADLINE_EXCEEDED.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    public static CallOptions For(string apiKey) => new(CallTimeout, [new("authorization", $"Bearer {apiKey}")]);
}
