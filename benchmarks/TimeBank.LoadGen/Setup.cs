using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using TimeBank.Contracts.V1;
using TimeBank.Rpc;

namespace TimeBank.LoadGen;

/// <summary>What the run works on: its community, its keys, its volunteers, stores and funds, and their balances before the load.</summary>
internal sealed record Population(string Community, bool CommunityCreated, CallKeys Keys, IReadOnlyList<string> Volunteers, BalanceSum Before, Venues Venues, FundSum FundsBefore);

/// <summary>A store of the run and its terminal's key.</summary>
internal sealed record RunStore(string StoreId, Rpc.Client.CallOptions Terminal);

/// <summary>A fund of the run and two of its committee members' keys (one proposes, the other approves).</summary>
internal sealed record RunFund(string FundId, Rpc.Client.CallOptions Proposer, Rpc.Client.CallOptions Voter);

internal sealed record Venues(IReadOnlyList<RunStore> Stores, IReadOnlyList<RunFund> Funds);

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

    /// <summary>What a redeem buys: one of each, at a point each.</summary>
    public static readonly IReadOnlyList<string> BasketItems = ["rice", "oil", "soap"];

    /// <summary>The one purpose of the run's funds.</summary>
    public const string FundPurpose = "community-projects";

    /// <summary>What each fund holds before the load, so every vote's allocation finds its money.</summary>
    public const long FundSeed = 1_000_000_000_000;

    /// <summary>Units of each item each store is stocked with (the most a store holds).</summary>
    private const long StockPerItem = 1_000_000;
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

        if (options.Mix.Includes(Operation.Transfer) || options.Mix.Includes(Operation.Hold) || options.Mix.Includes(Operation.Redeem))
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

        var venues = new Venues(
            options.Mix.Includes(Operation.Redeem) ? await OpenStoresAsync(options, admin, keys, log) : [],
            options.Mix.Includes(Operation.Donate) || options.Mix.Includes(Operation.Vote) ? await CreateFundsAsync(options, admin, keys, log) : []);
        var before = await BalanceSum.ReadAsync(options, connections, keys, volunteers);
        var fundsBefore = await FundSum.ReadAsync(admin, keys, venues);
        log.WriteLine($"setup: balances before the load: {before.Minutes:N0} minutes, {before.Points:N0} points{(venues.Funds.Count > 0 ? $"; funds {fundsBefore.Donated:N0} donated, {fundsBefore.Reserved:N0} reserved" : "")}");
        return new Population(options.Community, created, keys, volunteers, before, venues, fundsBefore);
    }

    /// <summary>Stores in the run's community, each with the basket's items in stock and a terminal key of its own.</summary>
    private static async Task<IReadOnlyList<RunStore>> OpenStoresAsync(LoadGenOptions options, TimeBank.Client.TimeBankClient admin, CallKeys keys, TextWriter log)
    {
        var stores = new List<RunStore>();
        for (var s = 0; s < options.Stores; s++)
        {
            var storeId = $"{options.Community}.s{s}";
            await Retrying.CallOrThrowAsync(o => admin.OpenStoreAsync(new OpenStoreRequest { RequestId = Workload.NewRequestId(), StoreId = storeId, CommunityId = options.Community, Name = $"Load store {s}" }, o), keys.CommunityAdmin);
            foreach (var item in BasketItems)
            {
                await Retrying.CallOrThrowAsync(o => admin.UpsertItemAsync(new UpsertItemRequest { RequestId = Workload.NewRequestId(), StoreId = storeId, ItemId = item, Name = item, PricePoints = 1, Active = true }, o), keys.CommunityAdmin);
                await Retrying.CallOrThrowAsync(o => admin.RestockAsync(new RestockRequest { RequestId = Workload.NewRequestId(), StoreId = storeId, ItemId = item, Quantity = StockPerItem, Source = StockSource.Bought }, o), keys.CommunityAdmin);
            }

            var terminal = await Retrying.CallOrThrowAsync(o => admin.CreateKeyAsync(new CreateKeyRequest { RequestId = Workload.NewRequestId(), Role = "terminal", Scope = storeId, DisplayName = $"loadgen till of {storeId}" }, o), keys.Admin);
            stores.Add(new RunStore(storeId, CallKeys.For(terminal.Secret)));
        }

        log.WriteLine($"setup: {stores.Count} stores opened with {StockPerItem:N0} of each of {BasketItems.Count} items and a terminal key each");
        return stores;
    }

    /// <summary>Community funds in the run's community: committee m1, m2, m3 with a quorum of one, seeded with money, two member keys each.</summary>
    private static async Task<IReadOnlyList<RunFund>> CreateFundsAsync(LoadGenOptions options, TimeBank.Client.TimeBankClient admin, CallKeys keys, TextWriter log)
    {
        var funds = new List<RunFund>();
        for (var f = 0; f < options.Funds; f++)
        {
            var fundId = $"{options.Community}.f{f}";
            await Retrying.CallOrThrowAsync(o => admin.CreateFundAsync(new CreateFundRequest
            {
                RequestId = Workload.NewRequestId(), FundId = fundId, CommunityId = options.Community, Kind = FundKind.Community, Name = $"Load fund {f}",
                Purposes = { FundPurpose }, CommitteeMembers = { "m1", "m2", "m3" }, Quorum = 1,
            }, o), keys.CommunityAdmin);
            await Retrying.CallOrThrowAsync(o => admin.DonateAsync(new DonateRequest { RequestId = Workload.NewRequestId(), FundId = fundId, Amount = FundSeed, PaymentReference = "LG-SEED" }, o), keys.CommunityAdmin);
            var proposer = await Retrying.CallOrThrowAsync(o => admin.CreateKeyAsync(new CreateKeyRequest { RequestId = Workload.NewRequestId(), Role = "committee-member", Scope = fundId, Member = "m1", DisplayName = "loadgen m1" }, o), keys.Admin);
            var voter = await Retrying.CallOrThrowAsync(o => admin.CreateKeyAsync(new CreateKeyRequest { RequestId = Workload.NewRequestId(), Role = "committee-member", Scope = fundId, Member = "m2", DisplayName = "loadgen m2" }, o), keys.Admin);
            funds.Add(new RunFund(fundId, CallKeys.For(proposer.Secret), CallKeys.For(voter.Secret)));
        }

        log.WriteLine($"setup: {funds.Count} funds created with {FundSeed:N0} each and two committee keys each");
        return funds;
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

/// <summary>What the run's funds hold: everything donated and what is reserved for approved allocations.</summary>
internal sealed record FundSum(long Donated, long Reserved)
{
    public static async Task<FundSum> ReadAsync(TimeBank.Client.TimeBankClient client, CallKeys keys, Venues venues)
    {
        long donated = 0, reserved = 0;
        foreach (var fund in venues.Funds)
        {
            var read = await Retrying.CallOrThrowAsync(o => client.GetFundAsync(new GetFundRequest { FundId = fund.FundId }, o), keys.App);
            donated += read.Balances.Donated;
            reserved += read.Balances.Reserved;
        }

        return new FundSum(donated, reserved);
    }
}
