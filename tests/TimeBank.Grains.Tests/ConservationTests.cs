using TimeBank.Contracts.V1;
using TimeBank.Grains.Volunteers;
using TimeBank.Ledger;

namespace TimeBank.Grains.Tests;

/// <summary>
/// The ledger's invariants after a storm of concurrent deposits and retries: every balance equals its
/// journal replayed, debits equal credits per ledger, and what communities issued equals what volunteers hold.
/// </summary>
public sealed class ConservationTests
{
    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Balances_equal_the_journal_replayed_and_every_ledger_balances(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        string[] communities = ["riverside", "hillside", "old-town"];
        var volunteers = Enumerable.Range(0, 60).Select(i => (Id: $"v{i}", Community: communities[i % 3])).ToArray();
        foreach (var (id, community) in volunteers)
        {
            await test.Host.GetGrain<IVolunteerGrain>(id).RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), id, community));
        }

        // 3,000 deposits in random order, a third of them sent twice (a client retry) and some invalid.
        var random = new Random(7);
        var deposits = Enumerable.Range(0, 3_000)
            .Select(i => (Volunteer: volunteers[random.Next(volunteers.Length)].Id, Command: new DepositHours(TestRequests.Key($"req-{i}"), $"act-{i % 17}", random.Next(-5, 300))))
            .ToList();
        var sends = deposits.Concat(deposits.Where((_, i) => i % 3 == 0)).OrderBy(_ => random.Next()).ToArray();
        var outcomes = await Task.WhenAll(sends.Select(d => Task.Run(
            () => test.Host.GetGrain<IVolunteerGrain>(d.Volunteer).DepositHoursAsync(d.Command), TestContext.Current.CancellationToken)));
        Assert.All(outcomes, o => Assert.True(o.Succeeded || o.Reason() == ErrorReasons.MinutesNotPositive, o.ToString()));

        await test.RestartAsync(); // what follows reads what storage kept, not what memory believed

        var replay = new JournalReplay();
        var expectedMinutes = deposits.Where(d => d.Command.Minutes > 0).GroupBy(d => d.Volunteer).ToDictionary(g => g.Key, g => g.Sum(d => d.Command.Minutes));
        foreach (var (id, community) in volunteers)
        {
            var journal = await test.Storage.ReadJournalAsync($"volunteer/{id}", 0, 10_000, TestContext.Current.CancellationToken);
            Assert.Equal(Enumerable.Range(1, journal.Count).Select(i => (long)i), journal.Select(e => e.Sequence)); // no gap, no repeat
            foreach (var row in journal)
            {
                replay.Apply(JournalTransfers.ToTransfer($"volunteer/{id}", row));
            }

            var balance = (await test.Host.GetGrain<IVolunteerGrain>(id).GetBalanceAsync()).Value!;
            Assert.Equal(replay.CreditBalanceOf(AccountNames.VolunteerHours(id)), balance.HoursMinutes);
            Assert.Equal(replay.CreditBalanceOf(AccountNames.VolunteerPoints(id)), balance.Points);
            Assert.Equal(expectedMinutes.GetValueOrDefault(id), balance.HoursMinutes);
            if (journal.Count > 0)
            {
                Assert.Equal(balance.HoursMinutes, journal.Last(e => e.Ledger == (int)LedgerKind.Hours).BalanceAfter);
            }
        }

        foreach (var ledger in new[] { LedgerKind.Hours, LedgerKind.Points })
        {
            var totals = replay.Totals(ledger);
            Assert.Equal(totals.DebitsPosted, totals.CreditsPosted);
            Assert.Equal(totals.DebitsPending, totals.CreditsPending);
        }

        var issued = communities.Sum(c => -replay.CreditBalanceOf(AccountNames.CommunityHoursIssued(c)));
        Assert.Equal(expectedMinutes.Values.Sum(), issued);
    }
}
