using TimeBank.Ledger;

namespace TimeBank.Ledger.Tests;

/// <summary>
/// Random operation sequences (posted transfers, holds, posts, voids, expiries, with bad amounts, unknown
/// ids and late posts among them) against a book with limits. After every step: a refused transfer changed
/// nothing; no limited account is below its limit; the journal of accepted transfers, replayed from zero,
/// gives every balance; per ledger, debits equal credits, posted and pending.
/// </summary>
public sealed class BookPropertyTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        var count = int.TryParse(Environment.GetEnvironmentVariable("TIMEBANK_PROPERTY_SEEDS"), out var n) ? n : 40;
        for (var seed = 1; seed <= count; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_sequences_keep_balances_equal_to_the_journal_and_every_ledger_balanced(int seed)
    {
        var random = new Random(seed);
        var accounts = new Dictionary<string, TrackedAccount>(StringComparer.Ordinal);
        foreach (var ledger in new[] { LedgerKind.Hours, LedgerKind.Points, LedgerKind.Money })
        {
            accounts[$"issuer/{ledger}"] = new(ledger, new AccountBalance(), Limit: null);
            for (var i = 0; i < 5; i++)
            {
                accounts[$"holder/{i}/{ledger}"] = new(ledger, new AccountBalance(), Limit: random.Next(3) == 0 ? random.Next(0, 200) : 0);
            }
        }

        var pending = new Dictionary<string, PendingTransfer>(StringComparer.Ordinal);
        var book = new Book(accounts, pending);
        var journal = new List<Transfer>();
        var names = accounts.Keys.ToArray();
        var now = Start;
        var accepted = 0;

        for (var step = 0; step < 2_000; step++)
        {
            now = now.AddSeconds(random.Next(0, 20));
            var transfer = NextTransfer(random, names, accounts, pending, step, now);
            var before = Snapshot(accounts, pending, transfer);
            var result = book.Apply(transfer, now);
            if (result == TransferResult.Ok)
            {
                journal.Add(transfer with { Timestamp = now });
                accepted++;
            }
            else
            {
                Assert.Equal(before, Snapshot(accounts, pending, transfer)); // refused: nothing changed
            }

            foreach (var (name, account) in accounts)
            {
                if (account.Limit is { } limit)
                {
                    Assert.True(account.Balance.AvailableCredit >= -limit, $"seed {seed} step {step}: {name} is below its limit: {account.Balance}");
                }
            }
        }

        Assert.True(accepted > 500, $"seed {seed}: only {accepted} transfers were accepted; the generator tests too little");
        var replay = new JournalReplay();
        foreach (var transfer in journal)
        {
            replay.Apply(transfer);
        }

        foreach (var (name, account) in accounts)
        {
            Assert.Equal(account.Balance.ToString(), replay.BalanceOf(name).ToString());
        }

        foreach (var ledger in new[] { LedgerKind.Hours, LedgerKind.Points, LedgerKind.Money })
        {
            var totals = replay.Totals(ledger);
            Assert.Equal(totals.DebitsPosted, totals.CreditsPosted);
            Assert.Equal(totals.DebitsPending, totals.CreditsPending);
        }

        // Every pending transfer is still pending, or was posted or voided exactly once.
        var resolutions = journal.Where(t => t.Kind is TransferKind.PostPending or TransferKind.VoidPending).GroupBy(t => t.PendingId);
        Assert.All(resolutions, g => Assert.Single(g));
    }

    private static Transfer NextTransfer(
        Random random, string[] names, Dictionary<string, TrackedAccount> accounts, Dictionary<string, PendingTransfer> pending, int step, DateTimeOffset now)
    {
        var ledger = (LedgerKind)random.Next(1, 4);
        var onLedger = names.Where(n => accounts[n].Ledger == ledger).ToArray();
        // The issuer (unlimited) pays often enough that holders have something to spend, hold and move.
        var debit = random.Next(3) == 0 ? $"issuer/{ledger}" : onLedger[random.Next(onLedger.Length)];
        var credit = onLedger[random.Next(onLedger.Length)];
        if (random.Next(50) == 0)
        {
            credit = names[random.Next(names.Length)]; // sometimes another ledger's account
        }

        var amount = random.Next(20) switch
        {
            0 => 0,
            1 => -random.Next(1, 100),
            2 => long.MaxValue - random.Next(0, 3),
            3 => Amounts.MaxTransferAmount + random.Next(0, 2), // the largest allowed, and one more
            _ => random.Next(1, 120),
        };
        var id = $"t{step}";
        var roll = random.Next(10);
        if (roll < 4)
        {
            return new Transfer(id, ledger, debit, credit, amount, TransferCode.Gift, "", "", "key", now);
        }

        if (roll < 7)
        {
            var timeout = random.Next(10) == 0 ? now.AddSeconds(-1) : now.AddSeconds(random.Next(1, 120));
            return new Transfer(id, ledger, debit, credit, amount, TransferCode.Redemption, "", "", "key", now, TransferKind.Pending, Timeout: timeout);
        }

        // Post or void a pending transfer: usually a real one, sometimes an unknown or already resolved one.
        var candidates = pending.Values.ToArray();
        var target = candidates.Length > 0 && random.Next(10) > 0 ? candidates[random.Next(candidates.Length)] : null;
        var pendingId = target?.Id ?? "unknown";
        var kind = random.Next(2) == 0 ? TransferKind.PostPending : TransferKind.VoidPending;
        var (pendingLedger, pendingDebit, pendingCredit) = target is null ? (ledger, debit, credit) : (target.Ledger, target.DebitAccount, target.CreditAccount);
        var resolvedAmount = target is null ? amount : kind == TransferKind.VoidPending ? target.Amount : random.Next(4) == 0 ? target.Amount + 1 : Math.Max(1, target.Amount - random.Next(0, 10));
        return new Transfer(id, pendingLedger, pendingDebit, pendingCredit, resolvedAmount, TransferCode.Redemption, "", "", "key", now, kind, pendingId);
    }

    /// <summary>What a transfer could touch: its two accounts, the pending transfer it names, and how many are pending.</summary>
    private static string Snapshot(Dictionary<string, TrackedAccount> accounts, Dictionary<string, PendingTransfer> pending, Transfer transfer)
        => $"{accounts.GetValueOrDefault(transfer.DebitAccount)?.Balance}|{accounts.GetValueOrDefault(transfer.CreditAccount)?.Balance}|"
           + $"{pending.GetValueOrDefault(transfer.PendingId ?? transfer.Id)}|{pending.Count}|{accounts.Count}";
}
