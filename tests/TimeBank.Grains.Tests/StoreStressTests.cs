using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TimeBank.Contracts.V1;
using TimeBank.Grains.Stores;
using TimeBank.Grains.Volunteers;
using TimeBank.Ledger;
using TimeBank.Runtime;
using BasketLine = TimeBank.Grains.Stores.BasketLine;
using Receipt = TimeBank.Grains.Stores.Receipt;
using StockSource = TimeBank.Grains.Stores.StockSource;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Tests;

/// <summary>
/// Store sales in the Jepsen style: 20 terminals at 5 stores (4 each) sell baskets of 1 to 3 items to 100
/// volunteers of the communities each store serves, and refund (whole or in part) receipts they made,
/// concurrently, while the host is restarted under them and the sale and refund sagas crash between their
/// steps at random. Stock is short, so OUT_OF_STOCK happens; points are short for some, so
/// INSUFFICIENT_POINTS does. Every call without a definite answer (an exception, ABORTED, UNAVAILABLE) is
/// retried with the same request id until it gets one, and some answered ones are sent again. Then: nothing
/// is left under way, no stock is below zero, every unit that left stock is on a receipt (less what came
/// back), the points volunteers hold plus what the stores took less what they gave back equal the points
/// deposited, every volunteer's journal has exactly the holds, posts and refunds of its receipts, and every
/// successful request id has exactly one receipt, the same on every retry, with no receipt without one.
/// The short form runs in CI; <c>TIMEBANK_LONG_TESTS=1</c> runs ten times the operations and more restarts.
/// </summary>
public sealed class StoreStressTests
{
    private static readonly bool Long = Environment.GetEnvironmentVariable("TIMEBANK_LONG_TESTS") == "1";

    /// <summary>Stock and points grow with the operations, so the long form still sells more than it refuses.</summary>
    private static readonly int Scale = Long ? 10 : 1;

    private static readonly string[] CrashSteps =
        ["sale.reserved", "sale.held", "sale.posted", "sale.recorded", "refund.recorded", "refund.applied", "refund.credited"];

    /// <summary>Five stores: where each is, and the other communities it serves.</summary>
    private static readonly (string Id, string Community, string[] Served)[] Stores =
    [
        ("riverside-pantry", "riverside", ["hillside"]),
        ("hillside-shop", "hillside", []),
        ("old-town-market", "old-town", ["riverside", "c"]),
        ("c-corner", "c", ["old-town"]),
        ("all-comers", "riverside", ["hillside", "old-town", "c"]),
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Twenty_terminals_at_five_stores_redeeming_and_refunding_through_restarts_and_crashes_keep_stock_points_and_receipts_in_agreement(string provider)
    {
        var cancel = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        await using var test = await GrainTestHost.StartAsync(provider);
        var world = await SetUpAsync(test);
        var firstDay = Day(DateTimeOffset.UtcNow);
        var setUp = clock.Elapsed;

        var operations = Long ? 5_000 : 500;
        var restarts = Long ? 12 : 2;
        var faults = new Faults(Long ? 0.03 : 0.04, seed: 23);
        await test.RestartAsync(new TimeBankGrainOptions { StepHook = faults.Hook });

        // The storm: 4 terminals per store, each one call at a time, while the host is restarted under them.
        var done = 0;
        var terminals = Stores.SelectMany((store, s) => Enumerable.Range(0, 4).Select(t => new Terminal(world, () => test.Host, store.Id, t, new Random(100 * s + t))))
            .Select(terminal => Task.Run(async () =>
            {
                while (Interlocked.Increment(ref done) <= operations)
                {
                    await terminal.RunOneAsync();
                }
            }, cancel))
            .ToArray();
        var chaos = Task.Run(async () =>
        {
            for (var r = 1; r <= restarts; r++)
            {
                // Restarts spread over the run by progress, not by time, so a slow machine still gets them mid-run.
                while (Volatile.Read(ref done) < operations * r / (restarts + 1) && !terminals.All(t => t.IsCompleted))
                {
                    await Task.Delay(10, cancel);
                }

                await test.RestartAsync(new TimeBankGrainOptions { StepHook = faults.Hook });
                world.Count("host restarted");
            }
        }, cancel);
        await Task.WhenAll(terminals.Append(chaos));
        var storm = clock.Elapsed - setUp;

        // Quiet: no more crashes. Every terminal's call already has a definite answer; what a crash left under
        // way and no retry finished is finished by the stores' reminders.
        await test.RestartAsync();
        await WaitForNothingUnderWayAsync(test);
        var lastDay = Day(DateTimeOffset.UtcNow);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{provider}: set-up {setUp.TotalSeconds:F1} s, storm {storm.TotalSeconds:F1} s; {faults.Describe()}; {world.Describe()}");
        Assert.True(faults.Crashes > 0, $"No step crashed: the fault injection did not run ({faults.Describe()}).");
        Assert.True(world.Sales > operations / 4, $"Only {world.Sales} sales in {operations} operations: the test tested little. {world.Describe()}");
        Assert.True(world.Refunds > 0, $"No refund was made: {world.Describe()}");
        Assert.True(world.Refused(ErrorReasons.OutOfStock.Code) > 0, $"Stock never ran out: the test did not test overselling. {world.Describe()}");

        await AssertBooksHoldAsync(test, world, firstDay, lastDay);
        TestContext.Current.TestOutputHelper?.WriteLine($"{provider}: all checks done at {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Communities' volunteers with points (some few), five stores with short stock.</summary>
    private static async Task<World> SetUpAsync(GrainTestHost test)
    {
        var random = new Random(7);
        var volunteers = Enumerable.Range(0, 100).Select(i => (Id: $"v{i:D3}", Community: GrainTestHost.Communities[i % GrainTestHost.Communities.Count])).ToArray();
        var deposited = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (id, community) in volunteers)
        {
            var volunteer = test.Host.GetGrain<IVolunteerGrain>(id);
            Assert.True((await volunteer.RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), id, community))).Succeeded);
            deposited[id] = 0;
            for (var d = random.Next(1, 3) * Scale; d > 0; d--)
            {
                var deposit = await volunteer.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "stocking-shelves", 30 + random.Next(300)));
                deposited[id] += deposit.Value!.PointsAwarded;
            }
        }

        var items = new Dictionary<string, Dictionary<string, (long Price, long Stock)>>(StringComparer.Ordinal);
        foreach (var (id, community, others) in Stores)
        {
            var store = test.Host.GetGrain<IStoreGrain>(id);
            Assert.True((await store.OpenStoreAsync(new OpenStore(TestRequests.NewKey(), community, $"Store {id}", others))).Succeeded);
            items[id] = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
            foreach (var item in new[] { "rice", "beans", "soap", "oil", "tea", "nappies" })
            {
                var price = 1 + random.Next(8);
                var stock = (6 + random.Next(20)) * Scale;
                Assert.True((await store.UpsertItemAsync(new UpsertItem(TestRequests.NewKey(), item, item, price, Active: true))).Succeeded);
                Assert.True((await store.RestockAsync(new Restock(TestRequests.NewKey(), item, stock, StockSource.Bought))).Succeeded);
                items[id][item] = (price, stock);
            }
        }

        var served = Stores.ToDictionary(
            s => s.Id, s => volunteers.Where(v => v.Community == s.Community || s.Served.Contains(v.Community)).Select(v => v.Id).ToArray(), StringComparer.Ordinal);
        return new World(deposited, items, served);
    }

    /// <summary>Polls until no store has a sale or refund under way (a store keeps its reminder exactly while one is).</summary>
    private static async Task WaitForNothingUnderWayAsync(GrainTestHost test)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var underWay = (await test.Storage.ReadDueRemindersAsync(DateTimeOffset.UtcNow.AddDays(1), 1_000, TestContext.Current.CancellationToken))
                .Where(r => r.GrainId.StartsWith($"{StoreGrain.TypeName}/", StringComparison.Ordinal))
                .ToArray();
            if (underWay.Length == 0)
            {
                return;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(40), $"Still under way after {waited.Elapsed.TotalSeconds:F0} s: {string.Join(", ", underWay.Select(r => r.GrainId))}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    private static async Task AssertBooksHoldAsync(GrainTestHost test, World world, string firstDay, string lastDay)
    {
        var cancel = TestContext.Current.CancellationToken;

        // Every receipt each store's days keep, and every one a terminal was given, read back alike.
        var receipts = new Dictionary<string, List<Receipt>>(StringComparer.Ordinal);
        foreach (var (storeId, _, _) in Stores)
        {
            var store = test.Host.GetGrain<IStoreGrain>(storeId);
            var listed = new List<Receipt>();
            var token = "";
            do
            {
                var page = (await store.ListReceiptsAsync(new ListReceipts(firstDay, lastDay, PageSize: 97, PageToken: token))).Value!;
                listed.AddRange(page.Receipts);
                token = page.NextPageToken;
            }
            while (token.Length > 0);
            receipts[storeId] = listed;

            foreach (var sale in world.SalesAt(storeId))
            {
                var read = await store.GetReceiptAsync(new GetReceipt(sale.ReceiptId));
                Assert.True(read.Succeeded, $"{storeId}: receipt {sale.ReceiptId} of request {sale.RequestId} cannot be read: {read.Failure}");
                Assert.Equal(Serialize(read.Value), Serialize(listed.Single(r => r.ReceiptId == sale.ReceiptId)));
            }
        }

        // Each request once: every successful request id has exactly one receipt, and every receipt one request.
        foreach (var (storeId, listed) in receipts)
        {
            var sales = world.SalesAt(storeId).ToDictionary(s => s.RequestId, StringComparer.Ordinal);
            Assert.Equal(listed.Count, listed.Select(r => r.ReceiptId).Distinct().Count());
            Assert.Equal(listed.Count, listed.Select(r => r.RequestId).Distinct().Count());
            Assert.Equal(sales.Keys.Order(StringComparer.Ordinal), listed.Select(r => r.RequestId).Order(StringComparer.Ordinal));
            foreach (var receipt in listed)
            {
                var sale = sales[receipt.RequestId];
                Assert.Equal(sale.ReceiptId, receipt.ReceiptId);
                Assert.Equal((sale.VolunteerId, sale.Total, sale.Total, storeId, false, 0L), (receipt.VolunteerId, receipt.TotalPoints, receipt.PointsTaken, receipt.StoreId, receipt.Offline, receipt.ShortfallPoints));
                var bought = sale.Lines.GroupBy(l => l.ItemId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Sum(l => l.Quantity))).ToArray();
                Assert.Equal(bought, receipt.Lines.Select(l => (l.ItemId, l.Quantity)));

                // What came back is what the refund answers said, and its points are what those units cost.
                Assert.Equal(bought.Select(b => (b.Key, world.RefundedUnits(storeId, sale.ReceiptId, b.Key))), receipt.Lines.Select(l => (l.ItemId, l.RefundedQuantity)));
                Assert.Equal(receipt.Lines.Sum(l => l.RefundedQuantity * l.UnitPricePoints), receipt.RefundedPoints);
                Assert.Equal(world.RefundedPoints(storeId, sale.ReceiptId), receipt.RefundedPoints);
            }
        }

        // Stock: never below zero; what left each store's shelves is on its receipts, less what came back.
        foreach (var (storeId, _, _) in Stores)
        {
            var catalog = (await test.Host.GetGrain<IStoreGrain>(storeId).GetCatalogAsync()).Value!;
            foreach (var item in catalog.Items)
            {
                Assert.True(item.Stock >= 0, $"{storeId} has {item.Stock} of {item.ItemId}");
                var lines = receipts[storeId].SelectMany(r => r.Lines).Where(l => l.ItemId == item.ItemId).ToArray();
                Assert.Equal(world.InitialStock(storeId, item.ItemId) - item.Stock, lines.Sum(l => l.Quantity) - lines.Sum(l => l.RefundedQuantity));
            }
        }

        // Points: what volunteers hold plus what the stores kept equals what was deposited; each volunteer's
        // balance is the model from the answers alone, and its journal has exactly its receipts' rows.
        var all = receipts.Values.SelectMany(r => r).ToArray();
        var replay = new JournalReplay();
        long held = 0;
        foreach (var volunteerId in world.Volunteers)
        {
            var balance = (await test.Host.GetGrain<IVolunteerGrain>(volunteerId).GetBalanceAsync()).Value!;
            // By store and receipt id: receipt ids are each store's own, so two stores may both have 20260101-7.
            var own = all.Where(r => r.VolunteerId == volunteerId).ToDictionary(r => $"{r.StoreId}/{r.ReceiptId}", StringComparer.Ordinal);
            var expected = world.Deposited(volunteerId) - own.Values.Sum(r => r.PointsTaken - r.RefundedPoints);
            Assert.Equal((expected, expected), (balance.Points, balance.PointsAvailable));
            held += balance.Points;

            var grainId = $"volunteer/{volunteerId}";
            var journal = await test.Storage.ReadJournalAsync(grainId, 0, 100_000, cancel);
            var mine = new JournalReplay();
            var holds = new Dictionary<string, (string ReceiptId, long Amount)>(StringComparer.Ordinal);
            var posted = new Dictionary<string, long>(StringComparer.Ordinal);
            var refunded = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var row in journal)
            {
                var transfer = JournalTransfers.ToTransfer(grainId, row);
                mine.Apply(transfer);
                replay.Apply(transfer);
                switch ((TransferCode)row.Code, (TransferKind)row.Kind)
                {
                    case (TransferCode.Redemption, TransferKind.Pending):
                        var heldFor = $"{StoreOf(row.CreditAccount)}/{row.Reference}";
                        Assert.True(own.ContainsKey(heldFor), $"{volunteerId} has a store hold for {heldFor}, which is none of its receipts");
                        holds.Add(transfer.Id, (heldFor, row.Amount)); // a second hold for one receipt leaves one unposted, or posts it twice: both fail below
                        break;
                    case (TransferCode.Redemption, TransferKind.PostPending):
                        var hold = holds[row.PendingId];
                        Assert.Equal(hold.Amount, row.Amount);
                        posted.Add(hold.ReceiptId, row.Amount); // throws on a receipt paid twice
                        break;
                    case (TransferCode.Refund, _):
                        var receipt = $"{StoreOf(row.DebitAccount)}/{row.Reference[..row.Reference.LastIndexOf("-r", StringComparison.Ordinal)]}";
                        Assert.True(own.ContainsKey(receipt), $"{volunteerId} has a store refund {row.Reference} of {receipt}, which is none of its receipts");
                        refunded[receipt] = refunded.GetValueOrDefault(receipt) + row.Amount;
                        break;
                    case (TransferCode.Redemption, _):
                        Assert.Fail($"{volunteerId} has a redemption row of kind {(TransferKind)row.Kind}: an online store sale only holds and posts.");
                        break;
                }
            }

            Assert.Equal(holds.Values.Select(h => h.ReceiptId).Order(StringComparer.Ordinal), posted.Keys.Order(StringComparer.Ordinal)); // every hold posted
            Assert.Equal(own.Select(r => (r.Key, r.Value.PointsTaken)).Order(), posted.Select(p => (p.Key, p.Value)).Order());
            Assert.Equal(own.Where(r => r.Value.RefundedPoints > 0).Select(r => (r.Key, r.Value.RefundedPoints)).Order(), refunded.Select(r => (r.Key, r.Value)).Order());
            Assert.Equal(world.RefundRowsExpected(volunteerId), journal.Count(r => r.Code == (int)TransferCode.Refund));
            Assert.Equal(balance.Points, mine.CreditBalanceOf(AccountNames.VolunteerPoints(volunteerId)));
            Assert.Equal(0, mine.BalanceOf(AccountNames.VolunteerPoints(volunteerId)).DebitsPending);
        }

        var kept = all.Sum(r => r.PointsTaken - r.RefundedPoints);
        Assert.Equal(world.Volunteers.Sum(world.Deposited), held + kept);
        foreach (var (storeId, listed) in receipts)
        {
            Assert.Equal(listed.Sum(r => r.PointsTaken - r.RefundedPoints), replay.CreditBalanceOf(AccountNames.StoreRedeemed(storeId)));
        }

        var points = replay.Totals(LedgerKind.Points);
        Assert.Equal((points.DebitsPosted, points.DebitsPending), (points.CreditsPosted, points.CreditsPending));

        JournalVerification? last = null;
        await foreach (var progress in new JournalVerifier(test.Storage).VerifyAsync(cancellationToken: cancel))
        {
            last = progress;
        }

        Assert.True(last is { Done: true, FirstBroken: null }, $"The journal does not verify: {last?.FirstBroken}");
    }

    /// <summary>The store whose redeemed-points account this is.</summary>
    private static string StoreOf(string account)
    {
        var storeId = account.Split('/')[1];
        Assert.Equal(AccountNames.StoreRedeemed(storeId), account);
        return storeId;
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Serialize(object? value) => JsonSerializer.Serialize(value, Json);

    /// <summary>Crashes a sale or refund between its steps now and then: what is stored stays, the rest is the retry's or the reminder's.</summary>
    private sealed class Faults(double rate, int seed)
    {
        private readonly Random _random = new(seed);
        private readonly Dictionary<string, int> _crashes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);

        public int Crashes
        {
            get
            {
                lock (_random)
                {
                    return _crashes.Values.Sum();
                }
            }
        }

        public string Describe()
        {
            lock (_random)
            {
                return "injected crashes: " + string.Join(", ", CrashSteps.Select(s => $"{s} {_crashes.GetValueOrDefault(s)}/{_calls.GetValueOrDefault(s)}"));
            }
        }

        public Task Hook(string step)
        {
            if (!CrashSteps.Contains(step))
            {
                return Task.CompletedTask;
            }

            lock (_random)
            {
                _calls[step] = _calls.GetValueOrDefault(step) + 1;
                if (_random.NextDouble() >= rate)
                {
                    return Task.CompletedTask;
                }

                _crashes[step] = _crashes.GetValueOrDefault(step) + 1;
            }

            throw new InjectedCrashException(step);
        }
    }

    private sealed class InjectedCrashException(string step) : Exception($"Injected crash after {step}.");

    /// <param name="Lines">The basket as sent.</param>
    private sealed record Sale(string StoreId, string RequestId, string ReceiptId, string VolunteerId, IReadOnlyList<BasketLine> Lines, long Total, string Answer);

    private sealed record RefundMade(string StoreId, string ReceiptId, string RefundId, string VolunteerId, IReadOnlyList<BasketLine> Lines, long Points);

    /// <summary>What the terminals were told: the model every check is held to, built from definite answers only.</summary>
    private sealed class World(
        Dictionary<string, long> deposited,
        Dictionary<string, Dictionary<string, (long Price, long Stock)>> items,
        Dictionary<string, string[]> served)
    {
        private readonly object _gate = new();
        private readonly List<Sale> _sales = [];
        private readonly List<RefundMade> _refunds = [];
        private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

        public IReadOnlyCollection<string> Volunteers => deposited.Keys;

        public int Sales
        {
            get
            {
                lock (_gate)
                {
                    return _sales.Count;
                }
            }
        }

        public int Refunds
        {
            get
            {
                lock (_gate)
                {
                    return _refunds.Count;
                }
            }
        }

        public long Deposited(string volunteerId) => deposited[volunteerId];

        public IReadOnlyDictionary<string, (long Price, long Stock)> Items(string storeId) => items[storeId];

        public long InitialStock(string storeId, string itemId) => items[storeId][itemId].Stock;

        public string[] Served(string storeId) => served[storeId];

        public int Refused(string code)
        {
            lock (_gate)
            {
                return _counts.GetValueOrDefault($"refused {code}");
            }
        }

        public Sale[] SalesAt(string storeId)
        {
            lock (_gate)
            {
                return _sales.Where(s => s.StoreId == storeId).ToArray();
            }
        }

        /// <summary>Units refunded of one item of a receipt (receipt ids are a store's own: the same id at two stores is two receipts).</summary>
        public long RefundedUnits(string storeId, string receiptId, string itemId)
        {
            lock (_gate)
            {
                return _refunds.Where(r => r.StoreId == storeId && r.ReceiptId == receiptId).SelectMany(r => r.Lines).Where(l => l.ItemId == itemId).Sum(l => l.Quantity);
            }
        }

        public long RefundedPoints(string storeId, string receiptId)
        {
            lock (_gate)
            {
                return _refunds.Where(r => r.StoreId == storeId && r.ReceiptId == receiptId).Sum(r => r.Points);
            }
        }

        public int RefundRowsExpected(string volunteerId)
        {
            lock (_gate)
            {
                return _refunds.Count(r => r.VolunteerId == volunteerId && r.Points > 0);
            }
        }

        public void Count(string what)
        {
            lock (_gate)
            {
                _counts[what] = _counts.GetValueOrDefault(what) + 1;
            }
        }

        public void Sold(Sale sale)
        {
            lock (_gate)
            {
                Assert.DoesNotContain(_sales, s => s.StoreId == sale.StoreId && s.ReceiptId == sale.ReceiptId);
                _sales.Add(sale);
            }
        }

        public void Refunded(RefundMade refund)
        {
            lock (_gate)
            {
                Assert.DoesNotContain(_refunds, r => r.StoreId == refund.StoreId && r.RefundId == refund.RefundId);
                _refunds.Add(refund);
            }
        }

        public string Describe()
        {
            lock (_gate)
            {
                return $"{_sales.Count} sales, {_refunds.Count} refunds; " + string.Join(", ", _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} x{c.Value}"));
            }
        }
    }

    /// <summary>One terminal at one store: one call at a time, each retried with its request id until it has a definite answer.</summary>
    private sealed class Terminal(World world, Func<GrainHost> host, string storeId, int number, Random random)
    {
        private readonly List<(Sale Sale, Dictionary<string, long> Refundable)> _receipts = [];
        private readonly List<(Func<GrainHost, Task<string?>> Send, string First, string What)> _answered = [];
        private readonly RequestKey _key = new($"terminal-{storeId}-{number}", "");
        private int _next;

        public async Task RunOneAsync()
        {
            var roll = random.Next(100);
            if (roll < 6 && _answered.Count > 0)
            {
                // A client sends an answered request again: the same answer, and no second effect.
                var (send, first, what) = _answered[random.Next(_answered.Count)];
                Assert.Equal(first, await DefiniteAsync(what, send));
                world.Count("resent after its answer");
                return;
            }

            var refundable = _receipts.Where(r => r.Refundable.Values.Any(q => q > 0)).ToArray();
            if (roll < 30 && refundable.Length > 0)
            {
                await RefundAsync(refundable[random.Next(refundable.Length)]);
                return;
            }

            await RedeemAsync();
        }

        private async Task RedeemAsync()
        {
            var catalog = world.Items(storeId);
            var names = catalog.Keys.ToArray();
            var lines = Enumerable.Range(0, random.Next(1, 4))
                .Select(_ => new BasketLine(names[random.Next(names.Length)], random.Next(1, 4)))
                .ToArray(); // an item may come twice: the store adds the lines up
            var total = lines.Sum(l => l.Quantity * catalog[l.ItemId].Price);
            var volunteers = world.Served(storeId);
            var volunteerId = volunteers[random.Next(volunteers.Length)];
            var command = new Redeem(NextKey(), volunteerId, lines, total);
            var what = $"Redeem {command.Request.RequestId} at {storeId}";
            var retried = 0;
            var answer = await DefiniteAsync(what, async h =>
            {
                retried++;
                return Answer(await h.GetGrain<IStoreGrain>(storeId).RedeemAsync(command));
            });
            if (answer.StartsWith("refused ", StringComparison.Ordinal))
            {
                Assert.True(answer is "refused OUT_OF_STOCK" or "refused INSUFFICIENT_POINTS", $"{what}: {answer}");
                world.Count(answer);
                return; // a refusal writes nothing, so the same request may succeed later: it is not sent again
            }

            var redemption = JsonSerializer.Deserialize<Redemption>(answer, Json)!;
            var receipt = redemption.Receipt;
            Assert.Equal((command.Request.RequestId, volunteerId, total, total, storeId), (receipt.RequestId, receipt.VolunteerId, receipt.TotalPoints, receipt.PointsTaken, receipt.StoreId));
            var merged = lines.GroupBy(l => l.ItemId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity), StringComparer.Ordinal);
            Assert.Equal(merged.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (m.Key, m.Value, 0L)), receipt.Lines.Select(l => (l.ItemId, l.Quantity, l.RefundedQuantity)));

            var sale = new Sale(storeId, command.Request.RequestId, receipt.ReceiptId, volunteerId, lines, total, answer);
            world.Sold(sale);
            world.Count("sold");
            _receipts.Add((sale, merged));
            Func<GrainHost, Task<string?>> again = async h => Answer(await h.GetGrain<IStoreGrain>(storeId).RedeemAsync(command));
            _answered.Add((again, answer, what));
            if (retried > 1)
            {
                // Answered after a failed attempt: once more, the same receipt.
                Assert.Equal(answer, await DefiniteAsync(what, again));
                world.Count("resent after a retried answer");
            }
        }

        private async Task RefundAsync((Sale Sale, Dictionary<string, long> Refundable) bought)
        {
            var (sale, refundable) = bought;
            BasketLine[] lines;
            BasketLine[] expected;
            if (random.Next(3) == 0)
            {
                lines = []; // everything not yet refunded
                expected = refundable.Where(r => r.Value > 0).Select(r => new BasketLine(r.Key, r.Value)).ToArray();
            }
            else
            {
                var (itemId, left) = refundable.Where(r => r.Value > 0).ElementAt(random.Next(refundable.Count(r => r.Value > 0)));
                lines = [new BasketLine(itemId, random.Next(1, (int)left + 1))];
                expected = lines;
            }

            var command = new Refund(NextKey(), sale.ReceiptId, lines);
            var what = $"Refund {command.Request.RequestId} of {sale.ReceiptId} at {storeId}";
            Func<GrainHost, Task<string?>> send = async h => Answer(await h.GetGrain<IStoreGrain>(storeId).RefundAsync(command));
            var retried = 0;
            var answer = await DefiniteAsync(what, h =>
            {
                retried++;
                return send(h);
            });
            Assert.False(answer.StartsWith("refused ", StringComparison.Ordinal), $"{what} (refundable: {string.Join(", ", refundable)}): {answer}");

            var refund = JsonSerializer.Deserialize<RefundReceipt>(answer, Json)!;
            var prices = world.Items(storeId);
            Assert.StartsWith(sale.ReceiptId + "-r", refund.RefundId, StringComparison.Ordinal);
            Assert.Equal(expected.OrderBy(l => l.ItemId, StringComparer.Ordinal), refund.Lines.OrderBy(l => l.ItemId, StringComparer.Ordinal));
            Assert.Equal(expected.Sum(l => l.Quantity * prices[l.ItemId].Price), refund.PointsRefunded);
            foreach (var line in expected)
            {
                refundable[line.ItemId] -= line.Quantity;
            }

            Assert.Equal(refundable.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => (r.Key, r.Value)),
                refund.Receipt.Lines.Select(l => (l.ItemId, l.Quantity - l.RefundedQuantity)));
            world.Refunded(new RefundMade(storeId, sale.ReceiptId, refund.RefundId, sale.VolunteerId, expected, refund.PointsRefunded));
            world.Count(lines.Length == 0 ? "refunded whole" : "refunded in part");
            _answered.Add((send, answer, what));
            if (retried > 1)
            {
                Assert.Equal(answer, await DefiniteAsync(what, send));
                world.Count("resent after a retried answer");
            }
        }

        private RequestKey NextKey() => _key with { RequestId = $"{storeId}-t{number}-{++_next}" };

        /// <summary>Sends until the answer is definite: a success (as JSON) or a refusal ("refused CODE"); null while ABORTED or UNAVAILABLE.</summary>
        private async Task<string> DefiniteAsync(string what, Func<GrainHost, Task<string?>> send)
        {
            var waited = Stopwatch.StartNew();
            for (var attempt = 1; ; attempt++)
            {
                if (waited.Elapsed >= TimeSpan.FromSeconds(60))
                {
                    Assert.Fail($"{what} got no definite answer in a minute ({attempt} attempts). {world.Describe()}"); // described only then
                }
                try
                {
                    if (await send(host()) is { } answer)
                    {
                        return answer;
                    }
                }
                catch (Exception e) when (e is not Xunit.Sdk.IAssertionException)
                {
                    world.Count($"retried after {e.GetType().Name}");
                }

                await Task.Delay(10 + random.Next(40));
            }
        }

        private string? Answer<T>(Result<T> result)
            where T : class
        {
            if (result.Succeeded)
            {
                return Serialize(result.Value);
            }

            if (result.Failure!.Reason.Status is Rpc.StatusCode.Aborted or Rpc.StatusCode.Unavailable)
            {
                world.Count($"retried after {result.Failure.Reason.Code}");
                return null;
            }

            return $"refused {result.Failure.Reason.Code}";
        }
    }
}
