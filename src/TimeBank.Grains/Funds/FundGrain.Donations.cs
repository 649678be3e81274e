using TimeBank.Contracts.V1;
using TimeBank.Grains.Internal;
using TimeBank.Ledger;
using TransferCode = TimeBank.Ledger.TransferCode;

namespace TimeBank.Grains.Funds;

/// <summary>
/// Money in: donations (a transfer from the fund's donors into its general money or one purpose's earmark)
/// and pledges, a donor's recurring commitment whose due dates follow from its start and period; a donation
/// naming a pledge fulfils its earliest unfulfilled due date.
/// </summary>
public sealed partial class FundGrain
{
    public const int MaxPaymentReferenceLength = 64;

    /// <summary>Due dates a pledge lists at most (a monthly pledge over 40 years).</summary>
    public const int MaxDues = 480;

    public async Task<Result<DonationReceipt>> DonateAsync(Donate command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (ValidateMoney(command.Amount, "amount") is { } badAmount)
        {
            return badAmount;
        }

        if (command.Donor.Length > 0 && !Identifiers.IsValidDisplayName(command.Donor))
        {
            return Failure.Of(ErrorReasons.InvalidDonor);
        }

        if (!IsPaymentReference(command.PaymentReference))
        {
            return Failure.Of(ErrorReasons.InvalidPaymentReference, ("max", MaxPaymentReferenceLength));
        }

        if (command.PledgeId.Length > 0 && !Identifiers.IsValidId(command.PledgeId))
        {
            return Failure.Of(ErrorReasons.InvalidPledgeId, ("value", command.PledgeId));
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.FundNotFound, ("fund_id", FundId));
        }

        return await MutateAsync(command.Request, command, Result<DonationReceipt> (c, changes) =>
        {
            var currency = c.Currency.Length == 0 ? State.Currency : c.Currency;
            if (currency != State.Currency)
            {
                return Failure.Of(ErrorReasons.CurrencyMismatch, ("value", currency), ("currency", State.Currency));
            }

            if (c.Earmark.Length > 0 && !State.Purposes.Contains(c.Earmark, StringComparer.Ordinal))
            {
                return Failure.Of(ErrorReasons.UnknownPurpose, ("value", c.Earmark), ("fund_id", FundId));
            }

            if (State.Kind == FundKind.Crowdfund && State.EndsAt is { } end && changes.Now >= end)
            {
                return Failure.Of(ErrorReasons.CrowdfundEnded, ("fund_id", FundId), ("ends_at", end.ToString("O")));
            }

            StoredPledge? pledge = null;
            var due = -1;
            if (c.PledgeId.Length > 0)
            {
                if (!State.Pledges.TryGetValue(c.PledgeId, out pledge))
                {
                    return Failure.Of(ErrorReasons.PledgeNotFound, ("pledge_id", c.PledgeId), ("fund_id", FundId));
                }

                if (c.Amount != pledge.Amount || c.Earmark != pledge.Earmark)
                {
                    return Failure.Of(ErrorReasons.PledgeMismatch, ("pledge_id", c.PledgeId), ("amount", pledge.Amount), ("earmark", pledge.Earmark));
                }

                due = NextUnfulfilled(pledge);
                if (due < 0)
                {
                    return Failure.Of(ErrorReasons.PledgeCompleted, ("pledge_id", c.PledgeId));
                }
            }

            if (DonatedInAll() > long.MaxValue - c.Amount)
            {
                // Each account checks its own totals; the fund's totals over all of them must fit too.
                return Failure.Of(ErrorReasons.AmountOverflow, ("account", $"fund/{FundId}"), ("amount", c.Amount));
            }

            var id = changes.NextTransferId;
            var into = c.Earmark.Length > 0 ? AccountNames.FundEarmark(FundId, c.Earmark) : AccountNames.FundGeneral(FundId);
            var donation = new Move(LedgerKind.Money, AccountNames.FundDonors(FundId), into, c.Amount, TransferCode.Donation, c.PaymentReference,
                Category: c.Earmark, Memo: c.Donor.Length > 0 ? c.Donor.Trim() : "anonymous");
            var book = Book();
            if (changes.Apply(book, donation) is not TransferResult.Ok and var refused)
            {
                return LedgerFailures.Of(refused, book, donation);
            }

            DateTimeOffset? fulfilled = null;
            if (pledge is not null)
            {
                pledge.Fulfilled[due] = id;
                fulfilled = DueDate(pledge, due);
            }

            return new DonationReceipt(id, Balances(), fulfilled);
        });
    }

    public async Task<Result<PledgeView>> CreatePledgeAsync(CreatePledge command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!Identifiers.IsValidId(command.PledgeId))
        {
            return Failure.Of(ErrorReasons.InvalidPledgeId, ("value", command.PledgeId));
        }

        if (!Identifiers.IsValidDisplayName(command.Donor))
        {
            return Failure.Of(ErrorReasons.InvalidDonor);
        }

        if (ValidateMoney(command.Amount, "amount") is { } badAmount)
        {
            return badAmount;
        }

        if (!Enum.IsDefined(command.Period) || command.StartsAt == default || (command.EndsAt is { } ends && ends <= command.StartsAt))
        {
            return Failure.Of(ErrorReasons.InvalidPledgeTerms);
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.FundNotFound, ("fund_id", FundId));
        }

        return await MutateAsync(command.Request, command, Result<PledgeView> (c, changes) =>
        {
            if (c.Earmark.Length > 0 && !State.Purposes.Contains(c.Earmark, StringComparer.Ordinal))
            {
                return Failure.Of(ErrorReasons.UnknownPurpose, ("value", c.Earmark), ("fund_id", FundId));
            }

            var wanted = new StoredPledge
            {
                Donor = c.Donor.Trim(), Amount = c.Amount, Period = c.Period, StartsAt = c.StartsAt, EndsAt = c.EndsAt, Earmark = c.Earmark,
            };
            if (State.Pledges.TryGetValue(c.PledgeId, out var existing))
            {
                return existing.Donor == wanted.Donor && existing.Amount == wanted.Amount && existing.Period == wanted.Period
                       && existing.StartsAt == wanted.StartsAt && existing.EndsAt == wanted.EndsAt && existing.Earmark == wanted.Earmark
                    ? View(c.PledgeId, existing, changes.Now)
                    : Failure.Of(ErrorReasons.PledgeIdTaken, ("pledge_id", c.PledgeId));
            }

            State.Pledges[c.PledgeId] = wanted;
            changes.StateWasChanged();
            return View(c.PledgeId, wanted, changes.Now);
        });
    }

    public Task<Result<PledgeList>> ListPledgesAsync()
    {
        var now = Clock.GetUtcNow();
        Result<PledgeList> result = StateExists
            ? new PledgeList(State.Pledges.Select(p => View(p.Key, p.Value, now)).ToArray())
            : Failure.Of(ErrorReasons.FundNotFound, ("fund_id", FundId));
        return Task.FromResult(result);
    }

    /// <summary>The pledge's due date number <paramref name="index"/> (0 is the first): its start plus so many periods.</summary>
    private static DateTimeOffset DueDate(StoredPledge pledge, int index)
        => pledge.Period == PledgePeriod.Monthly ? pledge.StartsAt.AddMonths(index) : pledge.StartsAt.AddYears(index);

    /// <summary>How many due dates the pledge has in all (bounded by its end, or by <see cref="MaxDues"/>).</summary>
    private static int DueCount(StoredPledge pledge)
    {
        var count = 0;
        while (count < MaxDues && (pledge.EndsAt is not { } end || DueDate(pledge, count) < end))
        {
            count++;
        }

        return count;
    }

    /// <summary>The earliest due date not yet fulfilled (paying ahead of time fulfils the next one), or -1 when all are.</summary>
    private static int NextUnfulfilled(StoredPledge pledge)
    {
        var count = DueCount(pledge);
        for (var i = 0; i < count; i++)
        {
            if (!pledge.Fulfilled.ContainsKey(i))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The pledge's due dates up to now and the next one after, each fulfilled, due or overdue.</summary>
    private static PledgeView View(string id, StoredPledge pledge, DateTimeOffset now)
    {
        var dues = new List<PledgeDue>();
        var count = DueCount(pledge);
        for (var i = 0; i < count; i++)
        {
            var at = DueDate(pledge, i);
            var status = pledge.Fulfilled.ContainsKey(i) ? DueStatus.Fulfilled
                : at.AddDays(1) <= now ? DueStatus.Overdue // a day's grace: due today is due, not overdue
                : DueStatus.Due;
            dues.Add(new PledgeDue(at, status, pledge.Fulfilled.GetValueOrDefault(i) ?? ""));
            if (at > now)
            {
                break; // the next one ahead, then no more
            }
        }

        return new PledgeView(id, pledge.Donor, pledge.Amount, pledge.Period, pledge.StartsAt, pledge.EndsAt, pledge.Earmark, dues,
            pledge.Fulfilled.Count, dues.Count(d => d.Status == DueStatus.Overdue));
    }

    private static Failure? ValidateMoney(long amount, string field)
    {
        if (amount <= 0)
        {
            return Failure.Of(ErrorReasons.AmountNotPositive, ("field", field), ("value", amount));
        }

        return amount > Amounts.MaxTransferAmount
            ? Failure.Of(ErrorReasons.AmountTooLarge, ("field", field), ("max", Amounts.MaxTransferAmount), ("value", amount))
            : null;
    }

    private static bool IsPaymentReference(string value)
        => value.Length is > 0 and <= MaxPaymentReferenceLength && Identifiers.IsValidRequestId(value);
}
