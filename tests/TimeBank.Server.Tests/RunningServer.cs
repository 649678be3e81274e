using TimeBank.Client;
using TimeBank.Server;

namespace TimeBank.Server.Tests;

/// <summary>
/// The real server (Kestrel, h2c, SQLite in a temporary folder) on a free loopback port, started as
/// <c>dotnet run</c> starts it; and a client connected to it.
/// </summary>
public sealed class RunningServer : IAsyncDisposable
{
    private RunningServer(TimeBankServer server, string dataDirectory)
    {
        Server = server;
        DataDirectory = dataDirectory;
        Address = server.Addresses.Single();
        Client = TimeBankClient.Connect(Address.ToString());
    }

    public TimeBankServer Server { get; }

    public string DataDirectory { get; }

    public Uri Address { get; }

    public TimeBankClient Client { get; }

    public static async Task<RunningServer> StartAsync(string? dataDirectory = null)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "timebank-server-tests", Guid.NewGuid().ToString("N"));
        var server = await TimeBankServer.StartAsync(
            ["--urls", "http://127.0.0.1:0", "--TimeBank:DataDirectory", dataDirectory, "--Logging:LogLevel:Default", "Warning"],
            TestContext.Current.CancellationToken);
        return new RunningServer(server, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
