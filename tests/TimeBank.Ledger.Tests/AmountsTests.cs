using TimeBank.Ledger;

namespace TimeBank.Ledger.Tests;

public sealed class AmountsTests
{
    [Theory]
    [InlineData(60, 10, 10)]
    [InlineData(90, 10, 15)]
    [InlineData(5, 10, 0)] // 0.83 points rounds down: points are never invented
    [InlineData(1440, 10_000, 240_000)]
    [InlineData(45, 0, 0)]
    public void Points_are_minutes_times_rate_per_hour_rounded_down(long minutes, long rate, long expected)
        => Assert.Equal(expected, Amounts.PointsForMinutes(minutes, rate));

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(1441, 10)]
    [InlineData(60, -1)]
    [InlineData(60, 10_001)]
    public void Points_refuse_out_of_range_inputs(long minutes, long rate)
        => Assert.Throws<ArgumentOutOfRangeException>(() => Amounts.PointsForMinutes(minutes, rate));

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Accounts_refuse_non_positive_amounts(long amount)
    {
        var account = new AccountBalance();
        Assert.Throws<ArgumentOutOfRangeException>(() => account.PostCredit(amount));
        Assert.Throws<ArgumentOutOfRangeException>(() => account.PostDebit(amount));
        Assert.Equal(0, account.CreditsPosted);
        Assert.Equal(0, account.DebitsPosted);
    }

    [Fact]
    public void Account_arithmetic_is_checked()
    {
        var account = new AccountBalance { CreditsPosted = long.MaxValue };
        Assert.Throws<OverflowException>(() => account.PostCredit(1));
        Assert.Equal(long.MaxValue, account.CreditsPosted);
    }

    [Fact]
    public void Transfer_refuses_same_account_on_both_sides()
        => Assert.Throws<ArgumentException>(() => Transfer.Create(
            "r", 0, LedgerKind.Hours, "volunteer/a/hours", "volunteer/a/hours", 5, TransferCode.Gift, "x", DateTimeOffset.UnixEpoch));

    [Fact]
    public void Replay_balances_debits_and_credits_per_ledger()
    {
        var replay = new JournalReplay();
        replay.Apply(Transfer.Create("r1", 0, LedgerKind.Hours, "community/c/hours-issued", "volunteer/a/hours", 90, TransferCode.Service, "act", DateTimeOffset.UnixEpoch));
        replay.Apply(Transfer.Create("r2", 0, LedgerKind.Hours, "volunteer/a/hours", "volunteer/b/hours", 30, TransferCode.Gift, "gift", DateTimeOffset.UnixEpoch));
        replay.Apply(Transfer.Create("r1", 1, LedgerKind.Points, "community/c/points-issued", "volunteer/a/points", 15, TransferCode.Service, "act", DateTimeOffset.UnixEpoch));

        Assert.Equal(60, replay.CreditBalanceOf("volunteer/a/hours"));
        Assert.Equal(30, replay.CreditBalanceOf("volunteer/b/hours"));
        Assert.Equal(-90, replay.CreditBalanceOf("community/c/hours-issued"));
        Assert.Equal((120L, 120L), replay.Totals(LedgerKind.Hours));
        Assert.Equal(0, replay.NetOf(LedgerKind.Hours, a => a.EndsWith("hours", StringComparison.Ordinal) || a.EndsWith("hours-issued", StringComparison.Ordinal) ? LedgerKind.Hours : LedgerKind.Points));
    }
}
