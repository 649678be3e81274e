using BenchmarkDotNet.Attributes;
using TimeBank.Grains;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Funds;
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
/// charity store: reserve, hold, post, receipt, end (five writes on three grains). For a community fund: a
/// donation (one write on the fund), and a committee's decision: a proposal, one approving vote that is a vote
/// write only, and the approving vote that reaches the quorum (2 of 3) and reserves the money in the same write
/// — three writes on the fund per op. So that a fund's state (its proposals) stays the size a real fund's is,
/// every 64th decision opens a new fund (creation and a donation: two more writes, 1/32 of a write per op).
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
    private IFundGrain _donationFund = null!;
    private IFundGrain _votingFund = null!;
    private int _fundNumber;
    private int _proposalsInFund;
    private const int ProposalsPerFund = 64;

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

        _donationFund = await OpenFundAsync();
        _votingFund = await OpenFundAsync();
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

    [Benchmark]
    public async Task<long> Donation()
        => (await _donationFund.DonateAsync(new Donate(Key(), "A neighbour", 25, "", "food", "bank-ref"))).Value!.Balances.Donated;

    /// <summary>Propose, one approval (a vote write), the approval that reaches the quorum and reserves: three writes.</summary>
    [Benchmark]
    public async Task<long> Vote_that_decides_an_allocation()
    {
        if (++_proposalsInFund > ProposalsPerFund)
        {
            _votingFund = await OpenFundAsync();
            _proposalsInFund = 1;
        }

        var proposal = (await _votingFund.ProposeAllocationAsync(new ProposeAllocation(Key(), new CallerMember("m1"), "Soup kitchen", 10, "food", "A week of soup"))).Value!;
        await _votingFund.VoteAsync(new Vote(Key(), new CallerMember("m2"), proposal.ProposalId, Approve: true));
        var decided = (await _votingFund.VoteAsync(new Vote(Key(), new CallerMember("m3"), proposal.ProposalId, Approve: true))).Value!;
        return decided.Status == ProposalStatus.Approved ? decided.ReservedFromEarmark : throw new InvalidOperationException($"Not approved: {decided}");
    }

    /// <summary>A community fund for food with a committee of three, a quorum of two, and money for every proposal it will hold.</summary>
    private async Task<IFundGrain> OpenFundAsync()
    {
        var fund = _host.GetGrain<IFundGrain>($"fund-{++_fundNumber}");
        await fund.CreateFundAsync(new CreateFund(Key(), "riverside", FundKind.Community, "Riverside fund", "", ["food"], ["m1", "m2", "m3"], Quorum: 2));
        await fund.DonateAsync(new Donate(Key(), "Golden Grain Co.", 1_000_000, "", "food", "seed"));
        return fund;
    }

    private RequestKey Key() => new("bench", $"r{Interlocked.Increment(ref _next)}");
}
