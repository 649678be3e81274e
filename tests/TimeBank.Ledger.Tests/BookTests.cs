using TimeBank.Ledger;

namespace TimeBank.Ledger.Tests;

public sealed class BookTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private const string Issued = "community/c/hours-issued";
    private const string Ana = "volunteer/ana/hours";
    private const string Ben = "volunteer/ben/hours";

    private readonly Dictionary<string, TrackedAccount> _accounts = new(StringComparer.Ordinal)
    {
        [Issued] = new(LedgerKind.Hours, new AccountBalance(), Limit: null),
        [Ana] = new(LedgerKind.Hours, new AccountBalance(), Limit: 0),
        [Ben] = new(LedgerKind.Hours, new AccountBalance(), Limit: 30),
        ["volunteer/ana/points"] = new(LedgerKind.Points, new AccountBalance(), Limit: 0),
    };

    private readonly Dictionary<string, PendingTransfer> _pending = new(StringComparer.Ordinal);

    private Book NewBook() => new(_accounts, _pending);

    private static Transfer Move(string id, string debit, string credit, long amount, TransferKind kind = TransferKind.Posted, string? pendingId = null, DateTimeOffset? timeout = null)
        => new(id, LedgerKind.Hours, debit, credit, amount, TransferCode.Gift, "", "", "key", Now, kind, pendingId, timeout);

    [Fact]
    public void A_posted_transfer_moves_the_amount_and_an_unlimited_account_may_go_negative()
    {
        var book = NewBook();
        Assert.Equal(TransferResult.Ok, book.Apply(Move("t1", Issued, Ana, 90), Now));
        Assert.Equal(90, book.BalanceOf(Ana).CreditBalance);
        Assert.Equal(-90, book.BalanceOf(Issued).CreditBalance);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public void Amounts_must_be_positive(long amount)
        => Assert.Equal(TransferResult.AmountMustBePositive, NewBook().Apply(Move("t", Issued, Ana, amount), Now));

    [Fact]
    public void An_absurd_amount_is_refused_and_the_largest_allowed_is_taken()
    {
        var book = NewBook();
        Assert.Equal(TransferResult.AmountTooLarge, book.Apply(Move("t1", Issued, Ana, Amounts.MaxTransferAmount + 1), Now));
        Assert.Equal(TransferResult.Ok, book.Apply(Move("t2", Issued, Ana, Amounts.MaxTransferAmount), Now));
    }

    [Fact]
    public void An_account_cannot_pay_itself()
        => Assert.Equal(TransferResult.AccountsMustDiffer, NewBook().Apply(Move("t", Ana, Ana, 1), Now));

    [Fact]
    public void Accounts_of_another_ledger_are_refused()
        => Assert.Equal(TransferResult.LedgerMismatch, NewBook().Apply(Move("t", Issued, "volunteer/ana/points", 1), Now));

    [Fact]
    public void A_debit_may_not_take_an_account_below_its_limit()
    {
        var book = NewBook();
        Assert.Equal(TransferResult.ExceedsLimit, book.Apply(Move("t1", Ana, Ben, 1), Now)); // Ana: limit 0
        Assert.Equal(TransferResult.Ok, book.Apply(Move("t2", Ben, Ana, 30), Now)); // Ben may go to -30
        Assert.Equal(TransferResult.ExceedsLimit, book.Apply(Move("t3", Ben, Ana, 1), Now));
        Assert.Equal(-30, book.BalanceOf(Ben).CreditBalance);
        Assert.Equal(30, book.BalanceOf(Ana).CreditBalance);
    }

    [Fact]
    public void A_total_that_would_overflow_is_refused_and_changes_nothing()
    {
        _accounts[Ana].Balance.CreditsPosted = long.MaxValue; // as if after nine thousand of the largest transfers
        var book = NewBook();
        Assert.Equal(TransferResult.Overflow, book.Apply(Move("t", Issued, Ana, 1), Now));
        Assert.Equal(long.MaxValue, book.BalanceOf(Ana).CreditsPosted);
        Assert.Equal(0, book.BalanceOf(Issued).DebitsPosted);
    }

    [Fact]
    public void A_pending_transfer_counts_against_the_limit_and_posts_its_amount_or_less_once()
    {
        var book = NewBook();
        book.Apply(Move("t1", Issued, Ana, 60), Now);
        Assert.Equal(TransferResult.Ok, book.Apply(Move("h1", Ana, Ben, 50, TransferKind.Pending, timeout: Now.AddMinutes(5)), Now));
        Assert.Equal(10, book.BalanceOf(Ana).AvailableCredit);
        Assert.Equal(TransferResult.ExceedsLimit, book.Apply(Move("t2", Ana, Ben, 11), Now));

        Assert.Equal(TransferResult.ExceedsPendingAmount, book.Apply(Move("p1", Ana, Ben, 51, TransferKind.PostPending, "h1"), Now));
        Assert.Equal(TransferResult.Ok, book.Apply(Move("p1", Ana, Ben, 40, TransferKind.PostPending, "h1"), Now));
        Assert.Equal(20, book.BalanceOf(Ana).CreditBalance); // 10 of the 50 reserved went back
        Assert.Equal(0, book.BalanceOf(Ana).DebitsPending);
        Assert.Equal(40, book.BalanceOf(Ben).CreditBalance);
        Assert.Equal(0, book.BalanceOf(Ben).CreditsPending);
        Assert.Equal(TransferResult.PendingAlreadyPosted, book.Apply(Move("p2", Ana, Ben, 40, TransferKind.PostPending, "h1"), Now));
        Assert.Equal(TransferResult.PendingAlreadyPosted, book.Apply(Move("v1", Ana, Ben, 50, TransferKind.VoidPending, "h1"), Now));
    }

    [Fact]
    public void A_voided_pending_transfer_releases_its_amount_and_cannot_be_posted()
    {
        var book = NewBook();
        book.Apply(Move("t1", Issued, Ana, 60), Now);
        book.Apply(Move("h1", Ana, Ben, 50, TransferKind.Pending, timeout: Now.AddMinutes(5)), Now);
        Assert.Equal(TransferResult.PendingMismatch, book.Apply(Move("v1", Ana, Ben, 49, TransferKind.VoidPending, "h1"), Now));
        Assert.Equal(TransferResult.Ok, book.Apply(Move("v1", Ana, Ben, 50, TransferKind.VoidPending, "h1"), Now));
        Assert.Equal(60, book.BalanceOf(Ana).AvailableCredit);
        Assert.Equal(TransferResult.PendingAlreadyVoided, book.Apply(Move("p1", Ana, Ben, 50, TransferKind.PostPending, "h1"), Now));
        Assert.Equal(TransferResult.PendingAlreadyVoided, book.Apply(Move("v2", Ana, Ben, 50, TransferKind.VoidPending, "h1"), Now));
    }

    [Fact]
    public void A_pending_transfer_past_its_timeout_cannot_be_posted_but_can_be_voided()
    {
        var book = NewBook();
        book.Apply(Move("t1", Issued, Ana, 60), Now);
        book.Apply(Move("h1", Ana, Ben, 50, TransferKind.Pending, timeout: Now.AddMinutes(5)), Now);
        Assert.Equal(TransferResult.PendingExpired, book.Apply(Move("p1", Ana, Ben, 50, TransferKind.PostPending, "h1"), Now.AddMinutes(5)));
        Assert.Equal(TransferResult.Ok, book.Apply(Move("x1", Ana, Ben, 50, TransferKind.VoidPending, "h1"), Now.AddMinutes(5)));
        Assert.Equal(60, book.BalanceOf(Ana).AvailableCredit);
    }

    [Fact]
    public void Pending_transfers_need_a_new_id_and_a_timeout_in_the_future()
    {
        var book = NewBook();
        book.Apply(Move("t1", Issued, Ana, 60), Now);
        Assert.Equal(TransferResult.TimeoutMustBeInTheFuture, book.Apply(Move("h1", Ana, Ben, 5, TransferKind.Pending), Now));
        Assert.Equal(TransferResult.TimeoutMustBeInTheFuture, book.Apply(Move("h1", Ana, Ben, 5, TransferKind.Pending, timeout: Now), Now));
        Assert.Equal(TransferResult.Ok, book.Apply(Move("h1", Ana, Ben, 5, TransferKind.Pending, timeout: Now.AddSeconds(1)), Now));
        Assert.Equal(TransferResult.PendingIdAlreadyExists, book.Apply(Move("h1", Ana, Ben, 5, TransferKind.Pending, timeout: Now.AddSeconds(1)), Now));
    }

    [Fact]
    public void A_post_or_void_must_name_an_existing_pending_transfer_with_its_accounts()
    {
        var book = NewBook();
        book.Apply(Move("t1", Issued, Ana, 60), Now);
        book.Apply(Move("h1", Ana, Ben, 5, TransferKind.Pending, timeout: Now.AddMinutes(1)), Now);
        Assert.Equal(TransferResult.PendingIdMissing, book.Apply(Move("p", Ana, Ben, 5, TransferKind.PostPending), Now));
        Assert.Equal(TransferResult.PendingNotFound, book.Apply(Move("p", Ana, Ben, 5, TransferKind.PostPending, "nope"), Now));
        Assert.Equal(TransferResult.PendingMismatch, book.Apply(Move("p", Ana, Issued, 5, TransferKind.PostPending, "h1"), Now));
        Assert.Equal(TransferResult.PendingMismatch, book.Apply(Move("v", Issued, Ben, 5, TransferKind.VoidPending, "h1"), Now));
    }

    [Fact]
    public void An_untracked_account_is_external_and_keeps_no_balance()
    {
        var book = NewBook();
        Assert.Equal(TransferResult.Ok, book.Apply(Move("t1", "community/elsewhere/hours-issued", Ana, 10), Now));
        Assert.DoesNotContain(book.Accounts, a => a.Key == "community/elsewhere/hours-issued");
        Assert.Equal(10, book.BalanceOf(Ana).CreditBalance);
    }
}
