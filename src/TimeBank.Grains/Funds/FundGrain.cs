using TimeBank.Contracts.V1;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Internal;
using TimeBank.Grains.Volunteers;
using TimeBank.Ledger;
using TimeBank.Runtime;

namespace TimeBank.Grains.Funds;

/// <summary>
/// One community micro-fund. Its money is a book of its own accounts in the money ledger — general, and one
/// per earmarked purpose — never below zero: a donation credits one from <see cref="AccountNames.FundDonors"/>,
/// an approved allocation holds its amount pending toward <see cref="AccountNames.FundPayees"/> (so what is
/// reserved can never exceed what is there), a payout posts the hold and a cancellation voids it. Everything
/// the fund decides happens in its own turn, one call at a time, so concurrent votes cannot both spend the
/// same money. Owned by its community and, for committee members' keys, by itself.
/// </summary>
public sealed partial class FundGrain(PolicyCache policies) : TimeBankGrain<FundState>, IFundGrain, IRemindable
{
    public const string TypeName = "fund";

    public const int MaxPurposes = 20;

    public const int MaxMembers = 50;

    public const string DefaultCurrency = "CNY";

    public static readonly TimeSpan DefaultProposalLifetime = TimeSpan.FromDays(14);

    private static readonly TimeSpan MinProposalLifetime = TimeSpan.FromHours(1);

    private static readonly TimeSpan MaxProposalLifetime = TimeSpan.FromDays(365);

    private string FundId => GrainId.Key;

    public Task<GrainOwner> GetOwnerAsync() => Task.FromResult(StateExists ? new GrainOwner(State.CommunityId, FundId: FundId) : GrainOwner.None);

    public async Task<Result<FundCreation>> CreateFundAsync(CreateFund command)
    {
        if (ValidateCreation(command) is { } invalid)
        {
            return invalid;
        }

        if (await policies.GetAsync(GrainFactory, command.CommunityId) is { Succeeded: false } missing)
        {
            return missing.Failure;
        }

        var currency = command.Currency.Length == 0 ? DefaultCurrency : command.Currency;
        var lifetime = command.ProposalLifetime ?? DefaultProposalLifetime;
        return await MutateAsync(command.Request, command, Result<FundCreation> (c, changes) =>
        {
            var wanted = new FundProfile(FundId, c.CommunityId, c.Kind, c.Name.Trim(), currency, c.Purposes.ToArray(), c.CommitteeMembers.ToArray(), c.Quorum, lifetime,
                c.Donor.Trim(), c.StatedPurpose.Trim(), c.Target, c.EndsAt, changes.Now);
            if (StateExists)
            {
                return SameTerms(Profile(), wanted) ? new FundCreation(Profile(), Created: false) : Failure.Of(ErrorReasons.FundIdTaken, ("fund_id", FundId));
            }

            if (c.EndsAt is { } end && end <= changes.Now)
            {
                return Failure.Of(ErrorReasons.InvalidFundTerms, ("kind", "a crowdfund ending before it opens"));
            }

            State.CommunityId = wanted.CommunityId;
            State.Kind = wanted.Kind;
            State.Name = wanted.Name;
            State.Currency = wanted.Currency;
            State.Purposes = [.. wanted.Purposes];
            State.Members = [.. wanted.CommitteeMembers];
            State.Quorum = wanted.Quorum;
            State.ProposalLifetime = wanted.ProposalLifetime;
            State.Donor = wanted.Donor;
            State.StatedPurpose = wanted.StatedPurpose;
            State.Target = wanted.Target;
            State.EndsAt = wanted.EndsAt;
            State.CreatedAt = changes.Now;
            changes.StateWasChanged();
            return new FundCreation(Profile(), Created: true);
        });
    }

    public async Task<Result<CommitteeUpdate>> UpdateCommitteeAsync(UpdateCommittee command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (ValidateCommittee(command.CommitteeMembers, command.Quorum) is { } invalid)
        {
            return invalid;
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.FundNotFound, ("fund_id", FundId));
        }

        return await MutateAsync(command.Request, command, Result<CommitteeUpdate> (c, changes) =>
        {
            if (State.Members.SequenceEqual(c.CommitteeMembers, StringComparer.Ordinal) && State.Quorum == c.Quorum)
            {
                return new CommitteeUpdate(Profile(), []);
            }

            State.Members = [.. c.CommitteeMembers];
            State.Quorum = c.Quorum;
            changes.StateWasChanged();

            // Open proposals are counted again against the committee of now; decided ones keep their result.
            var decided = new List<ProposalView>();
            foreach (var (number, proposal) in State.Proposals.Where(p => p.Value.Status == ProposalStatus.Open && changes.Now < p.Value.LapsesAt))
            {
                if (Decide(number, proposal, changes))
                {
                    decided.Add(View(number, proposal));
                }
            }

            ScheduleLapses();
            return new CommitteeUpdate(Profile(), decided);
        });
    }

    public Task<Result<FundView>> GetFundAsync()
    {
        Result<FundView> result = StateExists
            ? new FundView(Profile(), Balances(), Progress())
            : Failure.Of(ErrorReasons.FundNotFound, ("fund_id", FundId));
        return Task.FromResult(result);
    }

    public async Task<Result<Statement>> GetFundStatementAsync(GetFundStatement query)
    {
        var asked = new GetStatement(query.PageSize, query.PageToken, FromTime: query.FromTime, ToTime: query.ToTime);
        if (StatementReader.Validate(asked) is { } invalid)
        {
            return invalid;
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.FundNotFound, ("fund_id", FundId));
        }

        var own = State.Purposes.Select(p => AccountNames.FundEarmark(FundId, p)).Append(AccountNames.FundGeneral(FundId)).ToArray();
        return await new StatementReader(GrainId.ToString(), own, (after, limit) => ReadJournalAsync(after, limit)).ReadAsync(asked, State.JournalSequence);
    }

    public Task ReceiveReminderAsync(string name, DateTimeOffset due) => name switch
    {
        LapsesReminder => LapseProposalsAsync(),
        _ => Task.CompletedTask, // a reminder of an older version of this grain: let it lapse
    };

    /// <summary>The fund's accounts as a book (changed in place): none may go below zero.</summary>
    private Book Book()
    {
        var accounts = new Dictionary<string, TrackedAccount>(StringComparer.Ordinal);
        foreach (var account in State.Purposes.Select(p => AccountNames.FundEarmark(FundId, p)).Append(AccountNames.FundGeneral(FundId)))
        {
            if (!State.Accounts.TryGetValue(account, out var balance))
            {
                State.Accounts[account] = balance = new AccountBalance();
            }

            accounts[account] = new TrackedAccount(LedgerKind.Money, balance, Limit: 0);
        }

        return new Book(accounts, State.Pending);
    }

    private AccountBalance Account(string name) => State.Accounts.GetValueOrDefault(name) ?? new AccountBalance();

    private FundBalances Balances()
    {
        var earmarks = State.Purposes
            .Select(p => (Purpose: p, Account: Account(AccountNames.FundEarmark(FundId, p))))
            .Select(e => new EarmarkBalance(e.Purpose, e.Account.AvailableCredit, e.Account.DebitsPending, e.Account.CreditsPosted))
            .ToArray();
        var general = Account(AccountNames.FundGeneral(FundId));
        return new FundBalances(
            Available: general.AvailableCredit + earmarks.Sum(e => e.Available),
            Reserved: general.DebitsPending + earmarks.Sum(e => e.Reserved),
            Donated: DonatedInAll(),
            PaidOut: State.PaidOut,
            earmarks,
            general.AvailableCredit,
            general.DebitsPending);
    }

    /// <summary>
    /// Everything ever donated: only donations credit the fund's own accounts (reservations, payouts and
    /// cancellations touch their debits), so it is the sum of their posted credits.
    /// </summary>
    private long DonatedInAll() => State.Accounts.Values.Sum(a => a.CreditsPosted);

    private int Progress()
        => State.Kind == FundKind.Crowdfund && State.Target > 0 ? (int)Int128.Min(int.MaxValue, (Int128)DonatedInAll() * 100 / State.Target) : 0;

    private FundProfile Profile() => new(
        FundId, State.CommunityId, State.Kind, State.Name, State.Currency, State.Purposes.ToArray(), State.Members.ToArray(), State.Quorum, State.ProposalLifetime,
        State.Donor, State.StatedPurpose, State.Target, State.EndsAt, State.CreatedAt);

    private static bool SameTerms(FundProfile a, FundProfile b)
        => a.CommunityId == b.CommunityId && a.Kind == b.Kind && a.Name == b.Name && a.Currency == b.Currency && a.Purposes.SequenceEqual(b.Purposes)
           && a.CommitteeMembers.SequenceEqual(b.CommitteeMembers) && a.Quorum == b.Quorum && a.ProposalLifetime == b.ProposalLifetime && a.Donor == b.Donor
           && a.StatedPurpose == b.StatedPurpose && a.Target == b.Target && a.EndsAt == b.EndsAt;

    private static Failure? ValidateCreation(CreateFund command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!Identifiers.IsValidId(command.CommunityId))
        {
            return Failure.Of(ErrorReasons.InvalidCommunityId, ("value", command.CommunityId));
        }

        if (!Enum.IsDefined(command.Kind))
        {
            return Failure.Of(ErrorReasons.InvalidFundKind, ("value", (int)command.Kind));
        }

        if (!Identifiers.IsValidDisplayName(command.Name))
        {
            return Failure.Of(ErrorReasons.InvalidFundName);
        }

        if (command.Currency.Length > 0 && !IsCurrency(command.Currency))
        {
            return Failure.Of(ErrorReasons.InvalidCurrency, ("value", command.Currency));
        }

        if (command.Purposes.Count is 0 or > MaxPurposes || command.Purposes.Any(p => !CommunityPolicies.IsValidCategory(p))
            || command.Purposes.Distinct(StringComparer.Ordinal).Count() != command.Purposes.Count)
        {
            return Failure.Of(ErrorReasons.InvalidPurposes, ("max", MaxPurposes));
        }

        if (ValidateCommittee(command.CommitteeMembers, command.Quorum) is { } committee)
        {
            return committee;
        }

        if (command.ProposalLifetime is { } lifetime && (lifetime < MinProposalLifetime || lifetime > MaxProposalLifetime))
        {
            return Failure.Of(ErrorReasons.ProposalLifetimeOutOfRange, ("value", lifetime));
        }

        var named = command.Kind == FundKind.Named;
        var crowdfund = command.Kind == FundKind.Crowdfund;
        var termsFit = named
            ? Identifiers.IsValidDisplayName(command.Donor) && Identifiers.IsValidDisplayName(command.StatedPurpose)
            : command.Donor.Length == 0 && command.StatedPurpose.Length == 0;
        termsFit &= crowdfund
            ? command.Target is > 0 and <= Amounts.MaxTransferAmount && command.EndsAt is not null
            : command.Target == 0 && command.EndsAt is null;
        return termsFit
            ? null
            : Failure.Of(ErrorReasons.InvalidFundTerms, ("kind", command.Kind));
    }

    private static Failure? ValidateCommittee(IReadOnlyList<string> members, int quorum)
    {
        if (members.Count is 0 or > MaxMembers || members.Any(m => !Identifiers.IsValidId(m)) || members.Distinct(StringComparer.Ordinal).Count() != members.Count)
        {
            return Failure.Of(ErrorReasons.InvalidCommittee, ("problem", $"{members.Count} members; 1 to {MaxMembers} valid ids, each once"));
        }

        return quorum < 1 || quorum > members.Count
            ? Failure.Of(ErrorReasons.InvalidCommittee, ("problem", $"a quorum of {quorum}; 1 to the {members.Count} members"))
            : null;
    }

    private static bool IsCurrency(string value) => value.Length == 3 && value.All(char.IsAsciiLetterUpper);
}
