using BenchmarkDotNet.Attributes;
using TimeBank.Grains;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Stores;
using TimeBank.Grains.Volunteers;
using TimeBank.Runtime;
using TimeBank.Storage.InMemory;
using TransferCode = TimeBank.Ledger.TransferCode;

namespace TimeBank.Benchmarks;

/// <summary>
/// The ledger's hot path through the grain host on memory storage (no database, so what is left is the
/// grains, the ledger core, the journal chain and the request records): a deposit on one active volunteer
/// (the baseline), and a one-minute hour transfer between two active volunteers in different communities,
/// which is three writes on two grains and two request-id lookups; and the sale of a three-item basket at a
/// charity store: reserve, hold, post, receipt, end (five writes on three grains).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class LedgerOperations
{
    private GrainHost _host = null!;
    private IVolunteerGrain _ana = null!;
    private IStoreGrain _store = null!;
    private readonly BasketLine[] _basket = [new("rice", 1), new("oil", 1), new("soap", 1)];
    private long _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _host = new GrainHost(new InMemoryGrainStorage(), new GrainHostOptions { CollectionQuantum = TimeSpan.Zero })
            // Ended transfers leave state at once, so the millionth call costs what the first did (with the default
            // retention of a day, a volunteer making hundreds of thousands of transfers a day would carry them all).
            .AddTimeBankGrains(new TimeBankGrainOptions { PointsPerHour = 10, EndedRecordRetention = TimeSpan.Zero });
        foreach (var community in new[] { "riverside", "hillside" })
        {
            await _host.GetGrain<ICommunityGrain>(community).CreateCommunityAsync(new CreateCommunity(Key(), community, Policy: null));
        }

        _ana = _host.GetGrain<IVolunteerGrain>("ana");
        await _ana.RegisterVolunteerAsync(new RegisterVolunteer(Key(), "Ana", "riverside"));
        await _host.GetGrain<IVolunteerGrain>("ben").RegisterVolunteerAsync(new RegisterVolunteer(Key(), "Ben", "hillside"));
        for (var day = 0; day < 2_000; day++)
        {
            // Enough minutes for every transfer BenchmarkDotNet will run, one minute each (and 480,000 points).
            await _ana.DepositHoursAsync(new DepositHours(Key(), "seed", 1440));
        }

        _store = _host.GetGrain<IStoreGrain>("corner");
        await _store.OpenStoreAsync(new OpenStore(Key(), "riverside", "Corner charity store", []));
        foreach (var line in _basket)
        {
            await _store.UpsertItemAsync(new UpsertItem(Key(), line.ItemId, line.ItemId, 1, Active: true));
            await _store.RestockAsync(new Restock(Key(), line.ItemId, StoreGrain.MaxStockUnits, StockSource.Donated, "Golden Grain Co."));
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _host.DisposeAsync();

    [Benchmark(Baseline = true)]
    public async Task<long> Deposit()
        => (await _ana.DepositHoursAsync(new DepositHours(Key(), "park", 30))).Value!.MinutesCredited;

    [Benchmark]
    public async Task<long> Transfer_between_two_active_volunteers()
        => (await _ana.TransferHoursAsync(new TransferHours(Key(), "ben", 1, TransferCode.Gift))).Value!.Minutes;

    [Benchmark]
    public async Task<long> Redemption_of_a_three_item_basket()
        => (await _store.RedeemAsync(new Redeem(Key(), "ana", _basket, TotalPoints: 3))).Value!.PointsLeft;

    private RequestKey Key() => new("bench", $"r{Interlocked.Increment(ref _next)}");
}
