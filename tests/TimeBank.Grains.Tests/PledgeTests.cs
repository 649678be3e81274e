using TimeBank.Grains.Funds;
using TimeBank.Testing;
using ErrorReasons = TimeBank.Contracts.V1.ErrorReasons;

namespace TimeBank.Grains.Tests;

/// <summary>Pledges: due dates from their start and period, fulfilled by donations naming them, over simulated years.</summary>
public sealed class PledgeTests
{
    private static readonly DateTimeOffset Today = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Month(int year, int month, int day = 1) => new(year, month, day, 0, 0, 0, TimeSpan.Zero);

    private static void AdvanceTo(ManualClock clock, DateTimeOffset when)
    {
        Assert.True(when >= clock.GetUtcNow(), $"{when:O} is behind the clock");
        clock.Advance(when - clock.GetUtcNow());
    }

    private static Donate Paying(string pledgeId, long amount, string earmark = "") => Funds.Gift(amount, earmark, "Mrs Li", pledgeId);

    private static async Task<PledgeView> PledgeAsync(GrainTestHost test, string pledgeId)
        => (await test.Fund().ListPledgesAsync()).Value!.Pledges.Single(p => p.PledgeId == pledgeId);

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_monthly_pledge_over_a_year_paid_on_time_late_and_not_at_all_counts_its_fulfilled_and_overdue_months(string provider)
    {
        var (test, clock) = await Funds.StartAsync(provider);
        await using var _test = test;
        var created = (await test.Fund().CreatePledgeAsync(new CreatePledge(TestRequests.NewKey(), "li-monthly", " Mrs Li ", 500, PledgePeriod.Monthly, Month(2026, 12), Month(2027, 12)))).Value!;
        Assert.Equal(("Mrs Li", 0, 0), (created.Donor, created.Fulfilled, created.Overdue));
        Assert.Equal([new PledgeDue(Month(2026, 12), DueStatus.Due, "")], created.Dues); // the next one only

        // December to November: on time (on the day), late (ten days after), or missed.
        var late = new[] { 3, 6 };
        var missed = new[] { 9, 10, 11 };
        var transferIds = new Dictionary<int, string>();
        for (var i = 0; i < 12; i++)
        {
            var due = Month(2026, 12).AddMonths(i);
            AdvanceTo(clock, due);
            Assert.Equal(DueStatus.Due, (await PledgeAsync(test, "li-monthly")).Dues[i].Status); // due today is not overdue
            if (late.Contains(i))
            {
                AdvanceTo(clock, due.AddDays(1));
                var behind = await PledgeAsync(test, "li-monthly");
                Assert.Equal((DueStatus.Overdue, 1), (behind.Dues[i].Status, behind.Overdue));
                AdvanceTo(clock, due.AddDays(10));
            }

            if (!missed.Contains(i))
            {
                var paid = (await test.Fund().DonateAsync(Paying("li-monthly", 500))).Value!;
                Assert.Equal(due, paid.FulfilledDueDate);
                transferIds[i] = paid.TransferId;
            }

            if (i == 5)
            {
                await test.RestartAsync();
            }
        }

        AdvanceTo(clock, Month(2027, 12, 5));
        var year = await PledgeAsync(test, "li-monthly");
        Assert.Equal((9, 3), (year.Fulfilled, year.Overdue));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => Month(2026, 12).AddMonths(i)), year.Dues.Select(d => d.DueAt)); // no due date at or after the end
        Assert.Equal(
            Enumerable.Range(0, 12).Select(i => missed.Contains(i) ? (DueStatus.Overdue, "") : (DueStatus.Fulfilled, transferIds[i])),
            year.Dues.Select(d => (d.Status, d.TransferId)));
        Assert.Equal(4_500, (await test.BalancesAsync()).Donated);

        // Paid late, the missed months are fulfilled oldest first; then the pledge is complete.
        Assert.Equal(Month(2027, 9), (await test.Fund().DonateAsync(Paying("li-monthly", 500))).Value!.FulfilledDueDate);
        Assert.Equal(Month(2027, 10), (await test.Fund().DonateAsync(Paying("li-monthly", 500))).Value!.FulfilledDueDate);
        Assert.Equal(Month(2027, 11), (await test.Fund().DonateAsync(Paying("li-monthly", 500))).Value!.FulfilledDueDate);
        Assert.Equal(ErrorReasons.PledgeCompleted, (await test.Fund().DonateAsync(Paying("li-monthly", 500))).Reason());
        await test.RestartAsync();
        var done = await PledgeAsync(test, "li-monthly");
        Assert.Equal((12, 0), (done.Fulfilled, done.Overdue));
        Assert.All(done.Dues, d => Assert.Equal(DueStatus.Fulfilled, d.Status));
        Assert.Equal(6_000, (await test.BalancesAsync()).Donated);
        await test.AssertBalancesEqualJournalAsync();
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_yearly_earmarked_pledge_paid_ahead_fulfils_the_next_due_date_and_a_skipped_year_is_overdue(string provider)
    {
        var (test, clock) = await Funds.StartAsync(provider);
        await using var _test = test;
        var pledge = new CreatePledge(TestRequests.NewKey(), "zhao-yearly", "Mr Zhao", 6_000, PledgePeriod.Yearly, Month(2027, 1, 15), Earmark: "repairs");
        Assert.True((await test.Fund().CreatePledgeAsync(pledge)).Succeeded);

        var ahead = (await test.Fund().DonateAsync(Paying("zhao-yearly", 6_000, "repairs"))).Value!;
        Assert.Equal(Month(2027, 1, 15), ahead.FulfilledDueDate);
        Assert.Equal(6_000, ahead.Balances.Earmarks.Single(e => e.Purpose == "repairs").Donated);

        AdvanceTo(clock, Month(2027, 12, 5));
        var view = await PledgeAsync(test, "zhao-yearly");
        Assert.Equal(
            [(Month(2027, 1, 15), DueStatus.Fulfilled, ahead.TransferId), (Month(2028, 1, 15), DueStatus.Due, "")],
            view.Dues.Select(d => (d.DueAt, d.Status, d.TransferId)));
        Assert.Equal(Month(2028, 1, 15), (await test.Fund().DonateAsync(Paying("zhao-yearly", 6_000, "repairs"))).Value!.FulfilledDueDate); // ahead again

        await test.RestartAsync();
        AdvanceTo(clock, Month(2029, 1, 16));
        view = await PledgeAsync(test, "zhao-yearly");
        Assert.Equal(
            [DueStatus.Fulfilled, DueStatus.Fulfilled, DueStatus.Overdue, DueStatus.Due],
            view.Dues.Select(d => d.Status));
        Assert.Equal((2, 1, Month(2030, 1, 15)), (view.Fulfilled, view.Overdue, view.Dues[^1].DueAt));
        Assert.Equal(12_000, (await test.BalancesAsync()).Earmarks.Single(e => e.Purpose == "repairs").Available);
        await test.AssertBalancesEqualJournalAsync();
    }

    [Fact]
    public async Task A_donation_naming_a_pledge_must_give_its_amount_to_its_earmark_and_fulfils_nothing_otherwise()
    {
        var (test, _) = await Funds.StartAsync("memory");
        await using var _test = test;
        Assert.True((await test.Fund().CreatePledgeAsync(new CreatePledge(TestRequests.NewKey(), "li", "Mrs Li", 500, PledgePeriod.Monthly, Today, Earmark: "food"))).Succeeded);

        Assert.Equal(ErrorReasons.PledgeMismatch, (await test.Fund().DonateAsync(Paying("li", 499, "food"))).Reason());
        Assert.Equal(ErrorReasons.PledgeMismatch, (await test.Fund().DonateAsync(Paying("li", 1_000, "food"))).Reason()); // two months at once: no
        Assert.Equal(ErrorReasons.PledgeMismatch, (await test.Fund().DonateAsync(Paying("li", 500))).Reason());
        Assert.Equal(ErrorReasons.PledgeMismatch, (await test.Fund().DonateAsync(Paying("li", 500, "repairs"))).Reason());
        Assert.Equal(ErrorReasons.PledgeNotFound, (await test.Fund().DonateAsync(Paying("lee", 500, "food"))).Reason());
        Assert.Equal(ErrorReasons.CurrencyMismatch, (await test.Fund().DonateAsync(Paying("li", 500, "food") with { Currency = "EUR" })).Reason());

        var view = await PledgeAsync(test, "li");
        Assert.Equal((0, 0), (view.Fulfilled, view.Overdue));
        Assert.Equal(0, (await test.BalancesAsync()).Donated);

        // A donation naming no pledge fulfils none, even of the same amount and earmark.
        Assert.Null((await test.Fund().DonateAsync(Funds.Gift(500, "food"))).Value!.FulfilledDueDate);
        Assert.Equal(0, (await PledgeAsync(test, "li")).Fulfilled);
        Assert.Equal(Today, (await test.Fund().DonateAsync(Paying("li", 500, "food"))).Value!.FulfilledDueDate);
    }

    [Fact]
    public async Task Creating_a_pledge_again_with_its_terms_changes_nothing_and_with_other_terms_is_refused()
    {
        var (test, _) = await Funds.StartAsync("memory");
        await using var _test = test;
        var pledge = new CreatePledge(TestRequests.NewKey(), "li", "Mrs Li", 500, PledgePeriod.Yearly, Today, Today.AddYears(3));
        var first = (await test.Fund().CreatePledgeAsync(pledge)).Value!;
        Assert.Equal((PledgePeriod.Yearly, Today, (DateTimeOffset?)Today.AddYears(3), ""), (first.Period, first.StartsAt, first.EndsAt, first.Earmark));

        var again = (await test.Fund().CreatePledgeAsync(pledge with { Request = TestRequests.NewKey() })).Value!;
        Assert.Equal(first with { Dues = again.Dues }, again);
        Assert.Equal(first.Dues, again.Dues);
        Assert.Equal(ErrorReasons.PledgeIdTaken, (await test.Fund().CreatePledgeAsync(pledge with { Request = TestRequests.NewKey(), Amount = 501 })).Reason());
        Assert.Equal(ErrorReasons.PledgeIdTaken, (await test.Fund().CreatePledgeAsync(pledge with { Request = TestRequests.NewKey(), Period = PledgePeriod.Monthly })).Reason());
        Assert.Equal(ErrorReasons.PledgeIdTaken, (await test.Fund().CreatePledgeAsync(pledge with { Request = TestRequests.NewKey(), EndsAt = null })).Reason());
        Assert.Single((await test.Fund().ListPledgesAsync()).Value!.Pledges);

        // Three yearly due dates before its end: a fourth payment finds it complete.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Today.AddYears(i), (await test.Fund().DonateAsync(Paying("li", 500))).Value!.FulfilledDueDate);
        }

        Assert.Equal(ErrorReasons.PledgeCompleted, (await test.Fund().DonateAsync(Paying("li", 500))).Reason());
        Assert.Equal(1_500, (await test.BalancesAsync()).Donated);
    }

    [Fact]
    public async Task A_monthly_pledge_from_the_31st_falls_due_on_the_last_day_of_shorter_months_without_drifting()
    {
        var (test, clock) = await Funds.StartAsync("memory");
        await using var _test = test;
        Assert.True((await test.Fund().CreatePledgeAsync(new CreatePledge(TestRequests.NewKey(), "li", "Mrs Li", 500, PledgePeriod.Monthly, Month(2027, 1, 31)))).Succeeded);

        AdvanceTo(clock, Month(2027, 5, 1));
        var view = await PledgeAsync(test, "li");
        Assert.Equal([Month(2027, 1, 31), Month(2027, 2, 28), Month(2027, 3, 31), Month(2027, 4, 30), Month(2027, 5, 31)], view.Dues.Select(d => d.DueAt));
        Assert.Equal((0, 4), (view.Fulfilled, view.Overdue));
    }
}
