using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using TimeBank.Contracts.V1;
using TimeBank.Rpc;

namespace TimeBank.LoadGen;

/// <summary>What the run works on: its community, its keys, its volunteers and their balances before the load.</summary>
internal sealed record Population(string Community, bool CommunityCreated, CallKeys Keys, IReadOnlyList<string> Volunteers, BalanceSum Before);

/// <summary>
/// Prepares a run with the admin key: the community (with a policy of its own, so the run does not depend on
/// the server's defaults), an app key and a community-admin key scoped to it, the volunteers, and, when the
/// mix moves hours or points, a day of service for each to move.
/// </summary>
internal static class Setup
{
    /// <summary>What each volunteer is seeded with: the most one deposit may credit (a day), earning 240 points.</summary>
    public const long SeedMinutes = 24 * 60;

    private const long PointsPerHour = 10;
    private const string DisplayName = "TimeBank load generator";

    public static async Task<Population> RunAsync(LoadGenOptions options, string adminKey, IReadOnlyList<Connection> connections, TextWriter log)
    {
        var admin = connections[0].Client;
        var adminCall = CallKeys.For(adminKey);
        var clock = Stopwatch.StartNew();
        var created = await CreateCommunityAsync(admin, adminCall, options.Community);

        var app = await Retrying.CallOrThrowAsync(o => admin.CreateKeyAsync(NewKey("app", options.Community), o), adminCall);
        var communityAdmin = await Retrying.CallOrThrowAsync(o => admin.CreateKeyAsync(NewKey("community-admin", options.Community), o), adminCall);
        var keys = new CallKeys(adminCall, CallKeys.For(app.Secret), CallKeys.For(communityAdmin.Secret));
        log.WriteLine($"setup: community {options.Community} {(created ? "created" : "exists, reused")}; keys created: app {app.Key.KeyId}, community-admin {communityAdmin.Key.KeyId}");

        // "<community>.<n>": volunteer ids are global, so a fresh community means fresh volunteers.
        var volunteers = Enumerable.Range(0, options.Volunteers).Select(n => $"{options.Community}.{n}").ToArray();
        clock.Restart();
        await ForEachAsync(options, connections, volunteers, (connection, volunteer) => Retrying.CallOrThrowAsync(
            o => connection.Client.RegisterVolunteerAsync(new RegisterVolunteerRequest
            {
                RequestId = Workload.NewRequestId(), VolunteerId = volunteer, DisplayName = $"Load volunteer {volunteer}", CommunityId = options.Community,
            }, o),
            keys.App));
        log.WriteLine($"setup: {volunteers.Length:N0} volunteers registered in {clock.Elapsed.TotalSeconds:F1} s");

        if (options.Mix.Includes(Operation.Transfer) || options.Mix.Includes(Operation.Hold))
        {
            clock.Restart();
            await ForEachAsync(options, connections, volunteers, (connection, volunteer) => Retrying.CallOrThrowAsync(
                o => connection.Client.DepositHoursAsync(new DepositHoursRequest
                {
                    RequestId = Workload.NewRequestId(), VolunteerId = volunteer, ActivityId = "loadgen-seed", Minutes = SeedMinutes,
                }, o),
                keys.CommunityAdmin));
            log.WriteLine($"setup: each volunteer seeded with {SeedMinutes} minutes in {clock.Elapsed.TotalSeconds:F1} s");
        }

        var before = await BalanceSum.ReadAsync(options, connections, keys, volunteers);
        log.WriteLine($"setup: balances before the load: {before.Minutes:N0} minutes, {before.Points:N0} points");
        return new Population(options.Community, created, keys, volunteers, before);
    }

    /// <summary>One call per volunteer, spread over the connections, as many at once as the run will have.</summary>
    public static Task ForEachAsync(LoadGenOptions options, IReadOnlyList<Connection> connections, IReadOnlyList<string> volunteers, Func<Connection, string, Task> call)
        => Parallel.ForEachAsync(
            Enumerable.Range(0, volunteers.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Min(options.Connections * options.InFlight, 256) },
            async (index, _) => await call(connections[index % connections.Count], volunteers[index]));

    private static async Task<bool> CreateCommunityAsync(TimeBank.Client.TimeBankClient admin, Rpc.Client.CallOptions adminCall, string community)
    {
        var request = new CreateCommunityRequest
        {
            RequestId = Workload.NewRequestId(),
            CommunityId = community,
            DisplayName = DisplayName,
            Policy = new PolicySettings
            {
                PointsPerHour = PointsPerHour,
                MaxMinutesPerDeposit = SeedMinutes,
                HoursCreditLimitMinutes = 0,
                HoldExpiry = Duration.FromTimeSpan(TimeSpan.FromMinutes(15)),
            },
        };
        try
        {
            return (await Retrying.CallOrThrowAsync(o => admin.CreateCommunityAsync(request, o), adminCall)).Created;
        }
        catch (RpcException e) when (e.Reason == ErrorReasons.CommunityIdTaken.Code)
        {
            // --community named one created otherwise (another display name): load it with its own policy.
            return false;
        }
    }

    private static CreateKeyRequest NewKey(string role, string community) => new()
    {
        RequestId = Workload.NewRequestId(), Role = role, Scope = community, DisplayName = $"loadgen {role} for {community}",
    };
}

/// <summary>The sum of the run's volunteers' posted balances.</summary>
internal sealed record BalanceSum(long Minutes, long Points)
{
    public static async Task<BalanceSum> ReadAsync(LoadGenOptions options, IReadOnlyList<Connection> connections, CallKeys keys, IReadOnlyList<string> volunteers)
    {
        long minutes = 0, points = 0;
        await Setup.ForEachAsync(options, connections, volunteers, async (connection, volunteer) =>
        {
            var balance = await Retrying.CallOrThrowAsync(o => connection.Client.GetBalanceAsync(new GetBalanceRequest { VolunteerId = volunteer }, o), keys.App);
            Interlocked.Add(ref minutes, balance.HoursMinutes);
            Interlocked.Add(ref points, balance.Points);
        });
        return new BalanceSum(minutes, points);
    }
}
