namespace TimeBank.Rpc.Client;

public sealed class GrpcChannelOptions
{
    public int MaxReceiveMessageSize { get; set; } = GrpcServerOptions.DefaultMaxReceiveMessageSize;

    /// <summary>The handler to send with; by default a <see cref="SocketsHttpHandler"/> speaking h2c or h2.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Headers sent on every call (e.g. <c>authorization</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> DefaultHeaders { get; set; } = [];
}
