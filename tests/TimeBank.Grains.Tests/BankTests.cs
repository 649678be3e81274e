using System.Collections.Concurrent;
using TimeBank.Contracts.V1;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Volunteers;
using TimeBank.Ledger;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Tests;

/// <summary>
/// A bank test in the Jepsen style. 100 volunteers in 3 communities; concurrent workers deposit, transfer
/// both ways and across communities, hold, post, void and reverse, and resend random earlier requests, while
/// the host is torn down and restarted mid-run and transfer and reversal steps crash at random (fault
/// injection). Every request that got no definite answer is resent with the same id at the end, as a client
/// would, until it gets one. Then the books must hold: every acknowledged request took effect exactly once
/// (the volunteers' balances equal the model built from the answers alone), no balance is below its limit,
/// per ledger debits equal credits, every grain's balances equal its journal replayed, every chain verifies,
/// and the hours volunteers hold equal the hours issued less the hours reversed, with nothing left in transit.
/// The short form runs in CI; <c>TIMEBANK_LONG_TESTS=1</c> runs ten times the operations and restarts.
/// </summary>
public sealed class BankTests
{
    private static readonly bool Long = Environment.GetEnvironmentVariable("TIMEBANK_LONG_TESTS") == "1";
    private static readonly string[] Communities = ["riverside", "hillside", "old-town"];
    private static readonly Dictionary<string, long> CreditLimits = new() { ["riverside"] = 0, ["hillside"] = 120, ["old-town"] = 30 };

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Concurrent_transfers_holds_and_reversals_through_restarts_and_crashes_keep_every_invariant(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var volunteers = Enumerable.Range(0, 100).Select(i => (Id: $"v{i:D3}", Community: Communities[i % 3])).ToArray();
        foreach (var community in Communities)
        {
            var policy = CommunityPolicies.Default(10) with { HoursCreditLimitMinutes = CreditLimits[community] };
            Assert.True((await test.Host.GetGrain<ICommunityGrain>(community).UpdatePolicyAsync(new UpdatePolicy(TestRequests.NewKey(), policy))).Succeeded);
        }

        foreach (var (id, community) in volunteers)
        {
            Assert.True((await test.Host.GetGrain<IVolunteerGrain>(id).RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), id, community))).Succeeded);
        }

        var world = new World(volunteers.Select(v => v.Id).ToArray());
        var operations = Long ? 20_000 : 2_000;
        var restarts = Long ? 20 : 2;
        var crashRate = 0.02;
        var faults = new Faults(crashRate, seed: 11);
        await test.RestartAsync(new TimeBankGrainOptions { StepHook = faults.Hook });

        // The storm: 16 workers while the host is restarted under them.
        var done = 0;
        var workers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            var random = new Random(1000 + w);
            while (Interlocked.Increment(ref done) <= operations)
            {
                await world.RunOneAsync(() => test.Host, random);
            }
        }, TestContext.Current.CancellationToken)).ToArray();
        var chaos = Task.Run(async () =>
        {
            for (var r = 0; r < restarts; r++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Long ? 700 : 400), TestContext.Current.CancellationToken);
                await test.RestartAsync(new TimeBankGrainOptions { StepHook = faults.Hook });
            }
        }, TestContext.Current.CancellationToken);
        await Task.WhenAll(workers.Append(chaos));

        // Quiet: no more crashes; every unanswered request is resent with its id until it gets an answer.
        await test.RestartAsync();
        await world.SettleUnknownAsync(() => test.Host);
        Assert.True(world.Acknowledged > operations / 4, $"Only {world.Acknowledged} of {operations} operations were acknowledged: the test tested little.");
        Assert.True(faults.Crashes > 0 || crashRate == 0, $"No step crashed: the fault injection did not run ({faults.Calls} steps; {world.Describe()}).");

        TestContext.Current.TestOutputHelper?.WriteLine($"{provider}: {faults.Crashes} injected crashes in {faults.Calls} steps, {restarts} restarts; {world.Describe()}");
        await AssertBooksHoldAsync(test, volunteers, world);
    }

    private static async Task AssertBooksHoldAsync(GrainTestHost test, (string Id, string Community)[] volunteers, World world)
    {
        var cancel = TestContext.Current.CancellationToken;
        var replay = new JournalReplay();
        long issued = 0, reversedToCommunity = 0, held = 0;
        foreach (var (id, community) in volunteers)
        {
            var grain = test.Host.GetGrain<IVolunteerGrain>(id);
            var balance = (await grain.GetBalanceAsync()).Value!;
            var expected = world.Expected(id);

            // Every acknowledged request took effect exactly once: the model from the answers alone.
            Assert.Equal((expected.Hours, expected.Points, expected.Points - expected.Held), (balance.HoursMinutes, balance.Points, balance.PointsAvailable));

            // No balance below its limit.
            Assert.True(balance.HoursMinutes >= -CreditLimits[community], $"{id} holds {balance.HoursMinutes} minutes, below its limit");
            Assert.True(balance.PointsAvailable >= 0, $"{id} has {balance.PointsAvailable} points available");

            // The grain's balances equal its own journal replayed.
            var own = new JournalReplay();
            var journal = await test.Storage.ReadJournalAsync($"volunteer/{id}", 0, 100_000, cancel);
            Assert.Equal(Enumerable.Range(1, journal.Count).Select(i => (long)i), journal.Select(r => r.Sequence));
            foreach (var row in journal)
            {
                var transfer = JournalTransfers.ToTransfer($"volunteer/{id}", row);
                own.Apply(transfer);
                replay.Apply(transfer);
                issued += row.Code == (int)TransferCode.Service && row.Ledger == (int)LedgerKind.Hours ? row.Amount : 0;
                reversedToCommunity += row.Code == (int)TransferCode.Reversal && row.CreditAccount == AccountNames.CommunityHoursIssued(community) ? row.Amount : 0;
            }

            Assert.Equal(balance.HoursMinutes, own.CreditBalanceOf(AccountNames.VolunteerHours(id)));
            Assert.Equal(balance.Points, own.CreditBalanceOf(AccountNames.VolunteerPoints(id)));
            Assert.Equal(balance.PointsAvailable, own.BalanceOf(AccountNames.VolunteerPoints(id)).AvailableCredit);
            Assert.Equal(0, own.BalanceOf(AccountNames.VolunteerHours(id)).DebitsPending); // every transfer ended
            held += balance.HoursMinutes;
        }

        // Per ledger, debits equal credits (posted and pending), across every grain's journal.
        foreach (var ledger in new[] { LedgerKind.Hours, LedgerKind.Points })
        {
            var totals = replay.Totals(ledger);
            Assert.Equal(totals.DebitsPosted, totals.CreditsPosted);
            Assert.Equal(totals.DebitsPending, totals.CreditsPending);
        }

        // What volunteers hold is what was issued less what was reversed; nothing is left in transit.
        Assert.Equal(0, replay.CreditBalanceOf(AccountNames.HoursInTransit));
        Assert.Equal(issued - reversedToCommunity, held);

        // Every chain verifies.
        JournalVerification? last = null;
        await foreach (var progress in new JournalVerifier(test.Storage).VerifyAsync(cancellationToken: cancel))
        {
            last = progress;
        }

        Assert.True(last is { Done: true, FirstBroken: null }, $"The journal does not verify: {last?.FirstBroken}");
    }

    /// <summary>Crashes a transfer or reversal between its steps now and then (the host is replaced at the next restart).</summary>
    private sealed class Faults(double rate, int seed)
    {
        private readonly Random _random = new(seed);
        private int _crashes;

        public int Crashes => _crashes;

        public int Calls => _calls;

        private int _calls;

        public Task Hook(string step)
        {
            Interlocked.Increment(ref _calls);
            lock (_random)
            {
                if (_random.NextDouble() >= rate)
                {
                    return Task.CompletedTask;
                }
            }

            Interlocked.Increment(ref _crashes);
            throw new InjectedCrashException(step);
        }
    }

    private sealed class InjectedCrashException(string step) : Exception($"Injected crash after {step}.");

    /// <summary>
    /// The workload and the model. The model changes only on a definite success; a request without a definite
    /// answer (an exception, an ABORTED) is kept and resent at the end.
    /// </summary>
    private sealed class World(string[] volunteers)
    {
        private readonly object _gate = new();
        private readonly Dictionary<string, (long Hours, long Points, long Held)> _balances = volunteers.ToDictionary(v => v, _ => (0L, 0L, 0L));
        private readonly List<(string Volunteer, DepositReceipt Receipt)> _deposits = [];
        private readonly List<(string Payer, TransferReceipt Receipt)> _transfers = [];
        private readonly List<(string Volunteer, string HoldId, long Points)> _openHolds = [];
        private readonly ConcurrentQueue<Request> _unknown = new();
        private readonly List<(Request Request, object Answer)> _answered = [];
        private readonly List<string> _refusals = [];
        private readonly List<string> _errors = [];
        private int _next;
        private int _acknowledged;

        public int Acknowledged => _acknowledged;

        public string Describe()
        {
            lock (_gate)
            {
                return $"{_acknowledged} acknowledged, {_deposits.Count} deposits, {_transfers.Count} transfers, {_openHolds.Count} open holds, "
                    + $"refusals: {string.Join(", ", _refusals.GroupBy(r => r).Select(g => $"{g.Key} x{g.Count()}"))}; "
                    + $"no answer: {string.Join(", ", _errors.GroupBy(r => r).Select(g => $"{g.Key} x{g.Count()}"))}";
            }
        }

        public (long Hours, long Points, long Held) Expected(string volunteer)
        {
            lock (_gate)
            {
                return _balances[volunteer];
            }
        }

        public async Task RunOneAsync(Func<Runtime.GrainHost> host, Random random)
        {
            var request = Next(random);
            if (request is null)
            {
                return;
            }

            try
            {
                var answer = await request.Send(host());
                Record(request, answer);
            }
            catch (Exception e)
            {
                _unknown.Enqueue(request); // a crash, a restart under the call: the outcome is unknown
                lock (_gate)
                {
                    _errors.Add(e.GetType().Name);
                }

                await Task.Delay(50); // as a client backs off while the server restarts
            }
        }

        public async Task SettleUnknownAsync(Func<Runtime.GrainHost> host)
        {
            while (_unknown.TryDequeue(out var request))
            {
                for (var attempt = 0; ; attempt++)
                {
                    Assert.True(attempt < 600, $"{request} got no definite answer in a minute.");
                    try
                    {
                        var answer = await request.Send(host());
                        if (answer is Failure { Reason.Status: Rpc.StatusCode.Aborted or Rpc.StatusCode.Unavailable })
                        {
                            await Task.Delay(100);
                            continue;
                        }

                        Record(request, answer);
                        break;
                    }
                    catch (Storage.StaleStateException)
                    {
                        await Task.Delay(100);
                    }
                }
            }
        }

        private void Record(Request request, object answer)
        {
            if (answer is Failure { Reason.Status: Rpc.StatusCode.Aborted or Rpc.StatusCode.Unavailable })
            {
                _unknown.Enqueue(request);
                return;
            }

            lock (_gate)
            {
                if (request.Resend is { } earlier)
                {
                    // A client retry of an answered request: the same answer, no second effect.
                    Assert.Equal(earlier.Answer, answer);
                    return;
                }

                if (answer is Failure failure)
                {
                    // Not resent later: a refusal writes nothing, so the same request may succeed once the books allow it.
                    _refusals.Add(failure.Reason.Code);
                    Assert.True(failure.Reason.Status is Rpc.StatusCode.FailedPrecondition or Rpc.StatusCode.NotFound, $"{request}: {failure}");
                    return;
                }

                _answered.Add((request, answer));
                Interlocked.Increment(ref _acknowledged);
                request.Apply(this, answer);
            }
        }

        private Request? Next(Random random)
        {
            lock (_gate)
            {
                var id = $"bank-{Interlocked.Increment(ref _next)}";
                var v = volunteers[random.Next(volunteers.Length)];
                var roll = random.Next(100);
                if (roll < 5 && _answered.Count > 0)
                {
                    var (earlier, answer) = _answered[random.Next(_answered.Count)];
                    return earlier with { Resend = (earlier, answer) };
                }

                if (roll < 30 || _deposits.Count == 0)
                {
                    var minutes = 1 + random.Next(240);
                    return new Request("deposit", v, async h => Answer(await h.GetGrain<IVolunteerGrain>(v).DepositHoursAsync(new DepositHours(TestRequests.Key(id), "bank", minutes))),
                        (w, a) => w.Deposited(v, (DepositReceipt)a));
                }

                if (roll < 60)
                {
                    var to = volunteers[random.Next(volunteers.Length)];
                    if (to == v)
                    {
                        return null;
                    }

                    var minutes = 1 + random.Next(90);
                    var code = random.Next(2) == 0 ? TransferCode.Gift : TransferCode.Exchange;
                    return new Request("transfer", v, async h => Answer(await h.GetGrain<IVolunteerGrain>(v).TransferHoursAsync(new TransferHours(TestRequests.Key(id), to, minutes, code))),
                        (w, a) => w.Transferred(v, to, (TransferReceipt)a));
                }

                if (roll < 72)
                {
                    var amount = 1 + random.Next(20);
                    return new Request("hold", v, async h => Answer(await h.GetGrain<IVolunteerGrain>(v).HoldPointsAsync(new HoldPoints(TestRequests.Key(id), amount))),
                        (w, a) => w.Held(v, (HoldReceipt)a));
                }

                if (roll < 86 && _openHolds.Count > 0)
                {
                    var (owner, holdId, held) = _openHolds[random.Next(_openHolds.Count)];
                    if (random.Next(2) == 0)
                    {
                        var take = random.Next(2) == 0 ? 0 : 1 + random.Next((int)held);
                        return new Request("post", owner, async h => Answer(await h.GetGrain<IVolunteerGrain>(owner).PostHoldAsync(new PostHold(TestRequests.Key(id), holdId, take))),
                            (w, a) => w.Settled(owner, (HoldSettled)a));
                    }

                    return new Request("void", owner, async h => Answer(await h.GetGrain<IVolunteerGrain>(owner).VoidHoldAsync(new VoidHold(TestRequests.Key(id), holdId))),
                        (w, a) => w.Settled(owner, (HoldSettled)a));
                }

                if (random.Next(2) == 0 && _transfers.Count > 0)
                {
                    var (payer, receipt) = _transfers[random.Next(_transfers.Count)];
                    return new Request("reverse-transfer", payer,
                        async h => Answer(await h.GetGrain<IVolunteerGrain>(payer).ReverseTransferAsync(new ReverseTransfer(TestRequests.Key(id), receipt.TransferId))),
                        (w, a) => w.TransferReversed(payer, receipt));
                }

                var (depositor, deposit) = _deposits[random.Next(_deposits.Count)];
                var points = random.Next(2) == 0 && deposit.PointsTransferId.Length > 0;
                var row = points ? deposit.PointsTransferId : deposit.HoursTransferId;
                return new Request("reverse-deposit", depositor,
                    async h => Answer(await h.GetGrain<IVolunteerGrain>(depositor).ReverseTransferAsync(new ReverseTransfer(TestRequests.Key(id), row))),
                    (w, a) => w.DepositReversed(depositor, (ReversalReceipt)a));
            }
        }

        private static object Answer<T>(Result<T> result)
            where T : class
            => result.Succeeded ? result.Value : result.Failure;

        private void Deposited(string v, DepositReceipt receipt)
        {
            _deposits.Add((v, receipt));
            Change(v, receipt.MinutesCredited, receipt.PointsAwarded, 0);
        }

        private void Transferred(string payer, string payee, TransferReceipt receipt)
        {
            _transfers.Add((payer, receipt));
            Change(payer, -receipt.Minutes, 0, 0);
            Change(payee, receipt.Minutes, 0, 0);
        }

        private void TransferReversed(string payer, TransferReceipt receipt)
        {
            Change(payer, receipt.Minutes, 0, 0);
            Change(receipt.ToVolunteerId, -receipt.Minutes, 0, 0);
        }

        private void DepositReversed(string v, ReversalReceipt receipt)
            => Change(v, receipt.Ledger == LedgerKind.Hours ? -receipt.Amount : 0, receipt.Ledger == LedgerKind.Points ? -receipt.Amount : 0, 0);

        private void Held(string v, HoldReceipt receipt)
        {
            _openHolds.Add((v, receipt.HoldId, receipt.Points));
            Change(v, 0, 0, receipt.Points);
        }

        private void Settled(string v, HoldSettled settled)
        {
            _openHolds.RemoveAll(h => h.HoldId == settled.HoldId);
            Change(v, 0, -settled.PointsPosted, -(settled.PointsPosted + settled.PointsReleased));
        }

        private void Change(string v, long hours, long points, long held)
        {
            var (h, p, x) = _balances[v];
            _balances[v] = (h + hours, p + points, x + held);
        }

        /// <summary>One request: how to send it (always with the same id and content) and what its success changes.</summary>
        private sealed record Request(string Kind, string Volunteer, Func<Runtime.GrainHost, Task<object>> Send, Action<World, object> Apply)
        {
            public (Request Request, object Answer)? Resend { get; init; }

            public override string ToString() => $"{Kind} on {Volunteer}";
        }
    }
}
