using TimeBank.Contracts.V1;
using TimeBank.Grains.Funds;
using TimeBank.Ledger;
using TimeBank.Rpc;
using FundKind = TimeBank.Grains.Funds.FundKind;
using ProposalStatus = TimeBank.Grains.Funds.ProposalStatus;
using ProposalVote = TimeBank.Grains.Funds.ProposalVote;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Tests;

/// <summary>
/// A fund's committee voting concurrently on far more proposals than the money covers, while donations come
/// in and the committee changes twice under it. Six member workers (five on the committee at any time) vote
/// approve or reject at random on every open proposal in a shuffled order, a donor gives meanwhile, and some
/// votes are resent with the same request id (a retry) or cast again with a new one. The host's clock ticks
/// at least a microsecond per reading, so every write has its own time and the fund's history is a total
/// order: votes by their CastAt, donations, payouts and cancellations by their journal rows, committee updates
/// by their request records. Replaying that history through the rules (a proposal is approved, its money held,
/// once the quorum of the committee of the moment approves and the money is there; rejected with
/// QUORUM_UNREACHABLE once too few could still approve, with INSUFFICIENT_FUNDS when the quorum approves but the
/// money is gone) must give every proposal's status, reason, decision time and reservation exactly, and the
/// fund's balances must equal that model, its journal replayed, and what was donated. Then some approved
/// allocations are paid out and others cancelled, and the books are checked again. The short form runs in CI;
/// <c>TIMEBANK_LONG_TESTS=1</c> runs five rounds of 60 proposals each.
/// </summary>
public sealed class FundVotingTests
{
    private const string FundId = "riverside-fund";
    private const int Quorum = 3;
    private static readonly bool Long = Environment.GetEnvironmentVariable("TIMEBANK_LONG_TESTS") == "1";
    private static readonly string[] Purposes = ["food", "rent", "tools"];
    private static readonly string[] Everyone = ["m1", "m2", "m3", "m4", "m5", "m6"];

    /// <summary>The committees the fund goes through, in turn: m5 and m6 trade places, then m1 leaves.</summary>
    private static readonly string[][] Committees = [["m1", "m2", "m3", "m4", "m5"], ["m1", "m2", "m3", "m4", "m6"], ["m2", "m3", "m4", "m5", "m6"]];

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Concurrent_votes_never_approve_more_than_was_there_and_every_decision_follows_the_quorum(string provider)
    {
        var cancel = TestContext.Current.CancellationToken;
        var clock = new TickingClock();
        await using var test = await GrainTestHost.StartAsync(provider, clock: clock);
        var fund = test.Host.GetGrain<IFundGrain>(FundId);
        var created = await fund.CreateFundAsync(new CreateFund(TestRequests.NewKey(), "riverside", FundKind.Community, "Riverside fund", "", Purposes, Committees[0], Quorum));
        Assert.True(created.Succeeded, created.ToString());

        var history = new History(clock);
        var random = new Random(17);
        var rounds = Long ? 5 : 1;
        var proposalsPerRound = Long ? 60 : 20;
        var committee = 0;
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        {
            // Money: some earmarked to each purpose, some general.
            foreach (var (earmark, amount) in new[] { ("food", 300L), ("rent", 200L), ("", 500L) })
            {
                await history.DonateAsync(fund, random, earmark, amount);
            }

            // Proposals by various members, each within what its purpose may take now, together several times that.
            var available = (await fund.GetFundAsync()).Value!.Balances;
            var members = Committees[committee];
            for (var i = 0; i < proposalsPerRound; i++)
            {
                var purpose = Purposes[random.Next(Purposes.Length)];
                var mayTake = available.GeneralAvailable + available.Earmarks.Single(e => e.Purpose == purpose).Available;
                var amount = random.NextInt64(mayTake / 8, mayTake / 2) + 1;
                var proposer = members[random.Next(members.Length)];
                var proposed = await fund.ProposeAllocationAsync(new ProposeAllocation(TestRequests.NewKey(), new CallerMember(proposer), $"Recipient {round}-{i}", amount, purpose, "For the neighbours"));
                Assert.True(proposed.Succeeded, proposed.ToString());
                Assert.Equal(ProposalStatus.Open, proposed.Value!.Status);
            }

            // The storm: every member worker votes on every open proposal, shuffled; a donor gives; the committee changes twice.
            var open = (await fund.ListProposalsAsync(new ListProposals(ProposalStatus.Open))).Value!.Proposals.Select(p => (p.ProposalId, p.Proposer, Voted: p.Votes.Select(v => v.Member).ToArray())).ToArray();
            var attempts = 0;
            var totalAttempts = Everyone.Sum(m => open.Count(p => !p.Voted.Contains(m)));
            var voters = Everyone.Select((member, w) => Task.Run(async () =>
            {
                var mine = new Random(1000 * round + w);
                foreach (var (proposalId, _, _) in open.Where(p => !p.Voted.Contains(member)).OrderBy(_ => mine.Next()).ToArray()) // a member votes once: not again on one left open from an earlier round
                {
                    // Approve mostly; a proposer tries to approve its own now and then (and is refused).
                    var approve = mine.NextDouble() < 0.7;
                    await history.VoteAsync(fund, mine, member, proposalId, approve);
                    Interlocked.Increment(ref attempts);
                    if (mine.Next(4) == 0)
                    {
                        await Task.Yield();
                    }
                }
            }, cancel)).ToArray();
            var donor = Task.Run(async () =>
            {
                var mine = new Random(7 + round);
                for (var d = 0; d < 6; d++)
                {
                    await Task.Delay(mine.Next(1, 15), cancel);
                    await history.DonateAsync(fund, mine, mine.Next(3) == 0 ? "" : Purposes[mine.Next(Purposes.Length)], mine.Next(20, 150));
                }
            }, cancel);
            var updates = Task.Run(async () =>
            {
                foreach (var share in new[] { 3, 2 })
                {
                    while (Volatile.Read(ref attempts) < totalAttempts / share && !voters.All(v => v.IsCompleted)) // a voter that failed ends the wait
                    {
                        await Task.Delay(1, cancel);
                    }

                    committee = (committee + 1) % Committees.Length;
                    await history.UpdateCommitteeAsync(test, fund, Committees[committee]);
                }
            }, cancel);
            await Task.WhenAll(voters.Append(donor).Append(updates));

            var model = await history.CheckAsync(test, fund);

            // Pay out some approved allocations and cancel others, one at a time; the books must hold again.
            foreach (var (approved, n) in model.Where(p => p.Value.Status == ProposalStatus.Approved).Select((p, n) => (p.Key, n)).ToArray())
            {
                var payOut = n % 2 == 0;
                var request = TestRequests.NewKey();
                var ended = payOut
                    ? await Retried(() => fund.PayOutAsync(new PayOut(request, approved, $"bank-{approved}")))
                    : await Retried(() => fund.CancelAllocationAsync(new CancelAllocation(request, approved, "Plans changed")));
                Assert.True(ended.Succeeded, ended.ToString());
                Assert.Equal(payOut ? ProposalStatus.PaidOut : ProposalStatus.Cancelled, ended.Value!.Status);
                var again = await fund.PayOutAsync(new PayOut(TestRequests.NewKey(), approved, "bank-again"));
                Assert.Equal(payOut ? ErrorReasons.AllocationPaidOut : ErrorReasons.ProposalNotApproved, again.Reason());
            }

            outcomes.Clear(); // every proposal so far, as it stands now
            foreach (var (_, proposal) in await history.CheckAsync(test, fund))
            {
                var key = proposal.Status == ProposalStatus.Rejected ? proposal.OutcomeReason : proposal.Status.ToString();
                outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{provider}: {rounds} round(s) of {proposalsPerRound} proposals in {started.Elapsed.TotalSeconds:F1}s; {history.Describe()}; outcomes "
            + string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}")));

        // Every kind of decision happened, so the model's every branch was compared with the grain's.
        Assert.True(outcomes.GetValueOrDefault(nameof(ProposalStatus.PaidOut)) > 0, "No allocation was approved and paid out.");
        Assert.True(outcomes.GetValueOrDefault(nameof(ProposalStatus.Cancelled)) > 0, "No approved allocation was cancelled.");
        Assert.True(outcomes.GetValueOrDefault(ErrorReasons.QuorumUnreachable.Code) > 0, "No proposal was rejected for want of approvers.");
        Assert.True(outcomes.GetValueOrDefault(ErrorReasons.InsufficientFunds.Code) > 0, "No proposal was approved by the quorum after the money was gone.");
    }

    /// <summary>Calls until the call gets an answer that is not ABORTED, with the same request (a client's retry).</summary>
    private static async Task<Result<T>> Retried<T>(Func<Task<Result<T>>> call)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await call();
                if (result.Failure?.Reason.Status != StatusCode.Aborted || attempt == 50)
                {
                    return result;
                }
            }
            catch (Exception) when (attempt < 50)
            {
                // No definite answer: ask again with the same request id.
            }

            await Task.Delay(attempt * 5);
        }
    }

    /// <summary>A clock that never reads the same microsecond twice: every write of a grain has a time of its own.</summary>
    private sealed class TickingClock : TimeProvider
    {
        private long _last;

        public override DateTimeOffset GetUtcNow()
        {
            var now = System.GetUtcNow().UtcTicks / 10 * 10;
            while (true)
            {
                var last = Interlocked.Read(ref _last);
                var next = Math.Max(now, last + 10);
                if (Interlocked.CompareExchange(ref _last, next, last) == last)
                {
                    return new DateTimeOffset(next, TimeSpan.Zero);
                }
            }
        }
    }

    private sealed record VoteCall(string Member, string ProposalId, bool Approve, DateTimeOffset SentAt, DateTimeOffset AnsweredAt, ErrorReason? Refusal);

    private sealed record CommitteeChange(DateTimeOffset At, IReadOnlyList<string> Members);

    private sealed record ModelProposal(string Proposer, long Amount, string Purpose)
    {
        public ProposalStatus Status { get; set; } = ProposalStatus.Open;

        public string OutcomeReason { get; set; } = "";

        public DateTimeOffset? DecidedAt { get; set; }

        public long FromEarmark { get; set; }

        public long FromGeneral { get; set; }

        public List<ProposalVote> Votes { get; } = [];
    }

    /// <summary>What the test did and was told: every vote call with its window, the committee changes, the donations acknowledged.</summary>
    private sealed class History(TimeProvider clock)
    {
        private readonly List<VoteCall> _votes = [];
        private readonly List<CommitteeChange> _committees = [new(DateTimeOffset.MinValue, Committees[0])];
        private readonly Lock _lock = new();
        private long _donated;
        private int _retries;
        private int _castAgain;

        public string Describe()
        {
            lock (_lock)
            {
                return $"{_votes.Count} vote calls ({_votes.Count(v => v.Refusal is null)} cast, "
                       + string.Join(", ", _votes.Where(v => v.Refusal is not null).GroupBy(v => v.Refusal!.Code).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"))
                       + $"), {_retries} resent, {_castAgain} cast again, {_committees.Count - 1} committee updates, {_donated} donated";
            }
        }

        public async Task DonateAsync(IFundGrain fund, Random random, string earmark, long amount)
        {
            var request = TestRequests.Key($"donation-{Guid.NewGuid():N}");
            var donated = await Retried(() => fund.DonateAsync(new Donate(request, random.Next(2) == 0 ? "" : "A neighbour", amount, "", earmark, $"ref-{request.RequestId[9..25]}")));
            Assert.True(donated.Succeeded, donated.ToString());
            Interlocked.Add(ref _donated, amount);
        }

        public async Task VoteAsync(IFundGrain fund, Random random, string member, string proposalId, bool approve)
        {
            var request = TestRequests.NewKey();
            var sentAt = clock.GetUtcNow();
            var voted = await Retried(() => fund.VoteAsync(new Vote(request, new CallerMember(member), proposalId, approve)));
            var answeredAt = clock.GetUtcNow();
            Assert.True(
                voted.Succeeded || voted.Reason() == ErrorReasons.NotACommitteeMember || voted.Reason() == ErrorReasons.ProposalDecided || voted.Reason() == ErrorReasons.ProposerCannotApprove,
                voted.ToString());
            lock (_lock)
            {
                _votes.Add(new VoteCall(member, proposalId, approve, sentAt, answeredAt, voted.Failure?.Reason));
            }

            if (!voted.Succeeded)
            {
                return;
            }

            Assert.Contains(voted.Value!.Votes, v => v.Member == member && v.Approve == approve && v.CastAt > sentAt && v.CastAt < answeredAt);
            switch (random.Next(8))
            {
                case 0: // the client did not hear the answer and sends the same request again: the same answer
                    var resent = await fund.VoteAsync(new Vote(request, new CallerMember(member), proposalId, approve));
                    Assert.True(resent.Succeeded, resent.ToString());
                    Assert.Equal(
                        (voted.Value.Status, voted.Value.DecidedAt, voted.Value.Votes.Count, voted.Value.ReservedFromEarmark, voted.Value.ReservedFromGeneral),
                        (resent.Value!.Status, resent.Value.DecidedAt, resent.Value.Votes.Count, resent.Value.ReservedFromEarmark, resent.Value.ReservedFromGeneral));
                    Interlocked.Increment(ref _retries);
                    break;
                case 1: // a second vote under a new request id: never counted twice
                    var again = await fund.VoteAsync(new Vote(TestRequests.NewKey(), new CallerMember(member), proposalId, !approve || random.Next(2) == 0));
                    Assert.True(
                        again.Reason() == ErrorReasons.VoteAlreadyCast || again.Reason() == ErrorReasons.ProposalDecided || again.Reason() == ErrorReasons.NotACommitteeMember,
                        again.ToString());
                    Interlocked.Increment(ref _castAgain);
                    break;
            }
        }

        public async Task UpdateCommitteeAsync(GrainTestHost test, IFundGrain fund, string[] members)
        {
            var request = TestRequests.NewKey();
            var updated = await Retried(() => fund.UpdateCommitteeAsync(new UpdateCommittee(request, members, Quorum)));
            Assert.True(updated.Succeeded, updated.ToString());
            Assert.Equal(members, updated.Value!.Fund.CommitteeMembers);

            // When it took effect: the time its write recorded.
            var record = await test.Storage.FindRequestAsync(request.CallerKeyId, request.RequestId, TestContext.Current.CancellationToken);
            Assert.NotNull(record);
            Assert.All(updated.Value.Decided, d => Assert.Equal(record.RecordedAt, d.DecidedAt));
            lock (_lock)
            {
                _committees.Add(new CommitteeChange(record.RecordedAt, members));
            }
        }

        /// <summary>
        /// Replays the fund's history through the rules and compares every proposal and balance with the grain's;
        /// returns the model's proposals by id.
        /// </summary>
        public async Task<IReadOnlyDictionary<string, ModelProposal>> CheckAsync(GrainTestHost test, IFundGrain fund)
        {
            var cancel = TestContext.Current.CancellationToken;
            var actual = (await fund.ListProposalsAsync(new ListProposals())).Value!.Proposals.ToDictionary(p => p.ProposalId, StringComparer.Ordinal);
            var journal = await test.Storage.ReadJournalAsync($"fund/{FundId}", 0, 100_000, cancel);
            Assert.Equal(Enumerable.Range(1, journal.Count).Select(i => (long)i), journal.Select(r => r.Sequence)); // no gap, no repeat

            // Each proposal's votes: each member at most once, never the proposer's approval, each an acknowledged call.
            VoteCall[] calls;
            CommitteeChange[] committees;
            lock (_lock)
            {
                calls = [.. _votes];
                committees = [.. _committees];
            }

            foreach (var proposal in actual.Values)
            {
                Assert.Equal(proposal.Votes.Count, proposal.Votes.Select(v => v.Member).Distinct(StringComparer.Ordinal).Count());
                Assert.DoesNotContain(proposal.Votes, v => v.Member == proposal.Proposer && v.Approve);
                Assert.Equal(proposal.Votes.OrderBy(v => v.CastAt).Select(v => v.Member), proposal.Votes.Select(v => v.Member));
                var cast = calls.Where(c => c.ProposalId == proposal.ProposalId && c.Refusal is null).Select(c => (c.Member, c.Approve)).Order().ToArray();
                Assert.Equal(cast, proposal.Votes.Select(v => (v.Member, v.Approve)).Order().ToArray());
            }

            // Refusals as the history explains them.
            foreach (var call in calls.Where(c => c.Refusal is not null))
            {
                if (call.Refusal == ErrorReasons.ProposerCannotApprove)
                {
                    Assert.True(call.Approve && actual[call.ProposalId].Proposer == call.Member, $"{call} refused as the proposer's");
                }
                else if (call.Refusal == ErrorReasons.ProposalDecided)
                {
                    Assert.True(actual[call.ProposalId].DecidedAt < call.AnsweredAt, $"{call} refused as decided, decided at {actual[call.ProposalId].DecidedAt}");
                }
                else
                {
                    // Off the committee at some moment the call was under way.
                    var during = committees.Where((c, i) => c.At < call.AnsweredAt && (i + 1 == committees.Length || committees[i + 1].At > call.SentAt));
                    Assert.True(during.Any(c => !c.Members.Contains(call.Member)), $"{call} refused as not a member");
                }
            }

            // The history in order: proposals made, votes cast, committees changed, money in and out (the holds are what the model must predict).
            var events = new List<(DateTimeOffset At, Action Apply)>();
            var model = new Dictionary<string, ModelProposal>(StringComparer.Ordinal);
            var members = committees[0].Members;
            var accounts = new Dictionary<string, long>(StringComparer.Ordinal) { [""] = 0 };
            foreach (var purpose in Purposes)
            {
                accounts[purpose] = 0;
            }

            long paidOut = 0, donated = 0;
            void Decide(ModelProposal p, DateTimeOffset at)
            {
                var counted = p.Votes.Where(v => members.Contains(v.Member)).ToArray();
                var approvals = counted.Count(v => v.Approve);
                var couldStillApprove = members.Count(m => m != p.Proposer && counted.All(v => v.Member != m));
                if (approvals >= Quorum)
                {
                    var fromEarmark = Math.Min(p.Amount, accounts[p.Purpose]);
                    var fromGeneral = p.Amount - fromEarmark;
                    if (fromGeneral > accounts[""])
                    {
                        (p.Status, p.OutcomeReason, p.DecidedAt) = (ProposalStatus.Rejected, ErrorReasons.InsufficientFunds.Code, at);
                        return;
                    }

                    accounts[p.Purpose] -= fromEarmark;
                    accounts[""] -= fromGeneral;
                    (p.Status, p.DecidedAt, p.FromEarmark, p.FromGeneral) = (ProposalStatus.Approved, at, fromEarmark, fromGeneral);
                }
                else if (approvals + couldStillApprove < Quorum)
                {
                    (p.Status, p.OutcomeReason, p.DecidedAt) = (ProposalStatus.Rejected, ErrorReasons.QuorumUnreachable.Code, at);
                }
            }

            foreach (var proposal in actual.Values)
            {
                var p = model[proposal.ProposalId] = new ModelProposal(proposal.Proposer, proposal.Amount, proposal.Purpose);
                events.Add((proposal.ProposedAt, () => Decide(p, proposal.ProposedAt)));
                foreach (var vote in proposal.Votes)
                {
                    events.Add((vote.CastAt, () =>
                    {
                        if (p.Status == ProposalStatus.Open)
                        {
                            Assert.Contains(vote.Member, members); // only a member of the moment votes, only on an open proposal
                            p.Votes.Add(vote);
                            Decide(p, vote.CastAt);
                        }
                        else
                        {
                            Assert.Fail($"{vote.Member} voted on {proposal.ProposalId} at {vote.CastAt:O}, after the model decided it at {p.DecidedAt:O}");
                        }
                    }));
                }
            }

            foreach (var change in committees.Skip(1))
            {
                events.Add((change.At, () =>
                {
                    members = change.Members;
                    foreach (var p in model.Where(p => p.Value.Status == ProposalStatus.Open).OrderBy(p => long.Parse(p.Key[1..], System.Globalization.CultureInfo.InvariantCulture)).Select(p => p.Value))
                    {
                        Decide(p, change.At);
                    }
                }));
            }

            foreach (var row in journal)
            {
                var account = AccountOf(row.CreditAccount) ?? AccountOf(row.DebitAccount);
                switch ((TransferCode)row.Code, (TransferKind)row.Kind)
                {
                    case (TransferCode.Donation, TransferKind.Posted):
                        events.Add((row.RecordedAt, () => { accounts[AccountOf(row.CreditAccount)!] += row.Amount; donated += row.Amount; }));
                        break;
                    case (_, TransferKind.Pending):
                        break; // a reservation: the model predicts it
                    case (_, TransferKind.PostPending):
                        events.Add((row.RecordedAt, () => { paidOut += row.Amount; model[row.Reference].Status = ProposalStatus.PaidOut; }));
                        break;
                    case (_, TransferKind.VoidPending):
                        events.Add((row.RecordedAt, () => { accounts[account!] += row.Amount; model[row.Reference].Status = ProposalStatus.Cancelled; }));
                        break;
                    default:
                        Assert.Fail($"An unexpected row in the fund's journal: {row}");
                        break;
                }
            }

            // A payout or cancellation writes a row per hold, at one time; everything else has a time of its own.
            var ordered = events.OrderBy(e => e.At).ToArray();
            var apart = ordered.GroupBy(e => e.At).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
            Assert.All(apart, at => Assert.True(journal.Count(r => r.RecordedAt == at && r.Kind is (int)TransferKind.PostPending or (int)TransferKind.VoidPending) == 2, $"two events at {at:O}"));
            foreach (var (_, apply) in ordered)
            {
                apply();
            }

            // Every proposal as the rules decide it.
            foreach (var (id, expected) in model)
            {
                var got = actual[id];
                Assert.True(
                    (expected.Status, expected.OutcomeReason, expected.DecidedAt, expected.FromEarmark, expected.FromGeneral)
                    == (got.Status, got.OutcomeReason, got.DecidedAt, got.ReservedFromEarmark, got.ReservedFromGeneral),
                    $"{id}: expected {expected.Status} {expected.OutcomeReason} at {expected.DecidedAt:O} ({expected.FromEarmark}+{expected.FromGeneral}), "
                    + $"got {got.Status} {got.OutcomeReason} at {got.DecidedAt:O} ({got.ReservedFromEarmark}+{got.ReservedFromGeneral}); votes "
                    + string.Join(", ", got.Votes.Select(v => $"{v.Member}:{(v.Approve ? "yes" : "no")}@{v.CastAt:HH:mm:ss.ffffff}")));

                // An approval holds its money in the same write, from the earmark first.
                var holds = journal.Where(r => r.Reference == id && r.Kind == (int)TransferKind.Pending).ToArray();
                Assert.Equal(
                    new[] { (AccountNames.FundEarmark(FundId, got.Purpose), got.ReservedFromEarmark), (AccountNames.FundGeneral(FundId), got.ReservedFromGeneral) }.Where(h => h.Item2 > 0),
                    holds.Select(h => (h.DebitAccount, h.Amount)));
                Assert.All(holds, h => Assert.Equal(got.DecidedAt, h.RecordedAt));
            }

            // The balances: the grain's, the model's and the journal's replay agree, and add up to what was donated.
            var balances = (await fund.GetFundAsync()).Value!.Balances;
            var reserved = model.Values.Where(p => p.Status == ProposalStatus.Approved).Sum(p => p.Amount);
            Assert.Equal(Interlocked.Read(ref _donated), donated);
            Assert.Equal((accounts.Values.Sum(), reserved, donated, paidOut), (balances.Available, balances.Reserved, balances.Donated, balances.PaidOut));
            Assert.Equal(balances.Donated, balances.Available + balances.Reserved + balances.PaidOut);
            Assert.True(reserved + paidOut <= donated, $"{reserved} reserved and {paidOut} paid out of {donated} donated");
            Assert.All(balances.Earmarks, e => Assert.Equal(accounts[e.Purpose], e.Available));
            Assert.Equal(accounts[""], balances.GeneralAvailable);

            var replay = new JournalReplay();
            foreach (var row in journal)
            {
                replay.Apply(JournalTransfers.ToTransfer($"fund/{FundId}", row));
            }

            var own = Purposes.Select(p => AccountNames.FundEarmark(FundId, p)).Append(AccountNames.FundGeneral(FundId)).Select(replay.BalanceOf).ToArray();
            Assert.Equal(balances.Available, own.Sum(a => a.AvailableCredit));
            Assert.Equal(balances.Reserved, own.Sum(a => a.DebitsPending));
            Assert.Equal(balances.Donated, -replay.CreditBalanceOf(AccountNames.FundDonors(FundId)));
            Assert.Equal(balances.PaidOut, replay.CreditBalanceOf(AccountNames.FundPayees(FundId)));
            Assert.All(own, a => Assert.True(a.AvailableCredit >= 0, $"an account of the fund is below zero: {a}"));
            var totals = replay.Totals(LedgerKind.Money);
            Assert.Equal(totals.DebitsPosted, totals.CreditsPosted);
            Assert.Equal(totals.DebitsPending, totals.CreditsPending);
            return model;
        }

        private static string? AccountOf(string account)
            => account == AccountNames.FundGeneral(FundId) ? ""
                : Purposes.FirstOrDefault(p => account == AccountNames.FundEarmark(FundId, p));
    }
}
