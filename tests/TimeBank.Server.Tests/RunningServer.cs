using TimeBank.Client;
using TimeBank.Server;
using TimeBank.Testing;

namespace TimeBank.Server.Tests;

/// <summary>
/// The real server (Kestrel, h2c, SQLite in a temporary folder) on a free loopback port, started as
/// <c>dotnet run</c> starts it; and a client connected to it.
/// </summary>
public sealed class RunningServer : IAsyncDisposable
{
    /// <summary>The admin key every test server starts with (through TimeBank:AdminKey, as an operator could).</summary>
    public static readonly string AdminKey = Auth.ApiKeyToken.Generate().Reveal();

    private RunningServer(TimeBankServer server, string dataDirectory)
    {
        Server = server;
        DataDirectory = dataDirectory;
        Address = server.Addresses.Single();
        Client = TimeBankClient.Connect(Address.ToString(), AdminKey);
    }

    public TimeBankServer Server { get; }

    public string DataDirectory { get; }

    public Uri Address { get; }

    /// <summary>A client holding the admin key.</summary>
    public TimeBankClient Client { get; }

    /// <summary>A client with another key (or none), disposed by the caller.</summary>
    public TimeBankClient ClientWith(string? apiKey) => TimeBankClient.Connect(Address.ToString(), apiKey);

    public static async Task<RunningServer> StartAsync(string? dataDirectory = null, params string[] extraArguments)
    {
        dataDirectory ??= TestEnvironment.NewFolder();
        var server = await TimeBankServer.StartAsync(
            ["--urls", "http://127.0.0.1:0", "--TimeBank:DataDirectory", dataDirectory, "--Logging:LogLevel:Default", "Warning", "--TimeBank:AdminKey", AdminKey, .. extraArguments],
            TestContext.Current.CancellationToken);
        var running = new RunningServer(server, dataDirectory);
        try
        {
            await CreateCommunitiesAsync(running.Client);
        }
        catch
        {
            await running.DisposeAsync();
            throw;
        }

        return running;
    }

    /// <summary>The communities the tests use, created as an operator would (the same request ids again on a restarted server change nothing).</summary>
    public static readonly IReadOnlyList<string> Communities = ["riverside", "hillside"];

    public static async Task CreateCommunitiesAsync(TimeBankClient admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        foreach (var community in Communities)
        {
            await admin.CreateCommunityAsync(new Contracts.V1.CreateCommunityRequest
            {
                RequestId = $"create-community-{community}", CommunityId = community, DisplayName = $"Community {community}",
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
