using TimeBank.Contracts.V1;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Internal;
using TimeBank.Grains.Reports;
using TimeBank.Ledger;
using TransferCode = TimeBank.Ledger.TransferCode;
using TimeBank.Runtime;
using TimeBank.Storage;

namespace TimeBank.Grains.Volunteers;

public sealed partial class VolunteerGrain(PolicyCache policies, TimeBankGrainOptions options) : TimeBankGrain<VolunteerState>, IVolunteerGrain, IRemindable
{
    public const string TypeName = "volunteer";

    private string VolunteerId => GrainId.Key;

    private Failure NotRegistered() => Failure.Of(ErrorReasons.VolunteerNotFound, ("volunteer_id", VolunteerId));

    public Task<string> GetDisplayNameAsync() => Task.FromResult(StateExists ? State.DisplayName : "");

    public Task<GrainOwner> GetOwnerAsync() => Task.FromResult(StateExists ? new GrainOwner(State.CommunityId) : GrainOwner.None);

    public async Task<Result<Registration>> RegisterVolunteerAsync(RegisterVolunteer command)
    {
        if (Validate(command) is { } invalid)
        {
            return invalid;
        }

        if (!StateExists && await GrainFactory.GetGrain<ICommunityGrain>(command.CommunityId).GetPolicyAsync() is { Succeeded: false } missing)
        {
            return missing.Failure!; // volunteers register only into an existing community
        }

        return await MutateAsync(command.Request, command, Result<Registration> (c, changes) =>
        {
            var displayName = c.DisplayName.Trim();
            if (StateExists)
            {
                return State.DisplayName == displayName && State.CommunityId == c.CommunityId
                    ? new Registration(Profile(), Created: false, Balances())
                    : Failure.Of(ErrorReasons.VolunteerIdTaken, ("volunteer_id", VolunteerId));
            }

            State.DisplayName = displayName;
            State.CommunityId = c.CommunityId;
            State.RegisteredAt = changes.Now;
            changes.StateWasChanged();
            changes.Count(c.CommunityId, Figures.VolunteersRegistered, "", 1);
            return new Registration(Profile(), Created: true, Balances());
        });
    }

    public async Task<Result<DepositReceipt>> DepositHoursAsync(DepositHours command)
    {
        if (Validate(command) is { } invalid)
        {
            return invalid;
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.VolunteerNotFound, ("volunteer_id", VolunteerId));
        }

        var policy = await RulesAsync();
        if (!policy.Succeeded)
        {
            return policy.Failure;
        }

        var rules = policy.Value;
        return await MutateAsync(command.Request, command, Result<DepositReceipt> (c, changes) =>
        {
            // Checked inside the mutation: the policy may have changed since a first attempt, and a retry of
            // a deposit that was credited must get its receipt, not a refusal under the new rules.
            if (c.Minutes > rules.Settings.MaxMinutesPerDeposit)
            {
                return Failure.Of(ErrorReasons.MinutesTooLarge, ("minutes", c.Minutes), ("max", rules.Settings.MaxMinutesPerDeposit));
            }

            if (c.Category.Length > 0 && !rules.HasCategory(c.Category))
            {
                return Failure.Of(ErrorReasons.UnknownCategory, ("value", c.Category));
            }

            return Credit(changes, c.Request.RequestId, rules, State.CommunityId, c.Minutes, c.ActivityId, c.Category, Book(rules));
        });
    }

    public async Task<Result<DepositReceipt>> CreditServiceAsync(CreditService command)
    {
        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.VolunteerNotFound, ("volunteer_id", VolunteerId));
        }

        // The activity's community verified the service, so its policy prices it and it issues the hours;
        // its category and minutes were checked against that policy when the activity was published.
        var policy = await policies.GetAsync(GrainFactory, command.ActivityCommunityId);
        if (!policy.Succeeded)
        {
            return policy.Failure;
        }

        // Looked up first: a resumed confirmation asks again, and must find the first credit, not collide with it.
        return await MutateAsync(command.Request, command.ActorKeyId, lookUpFirst: true, command, Result<DepositReceipt> (c, changes)
            => Credit(changes, c.Request.RequestId, policy.Value, c.ActivityCommunityId, c.Minutes, c.ActivityId, c.Category, Book(hoursLimit: null)));
    }

    /// <summary>A deposit's two transfers: minutes, and the points they earn, from the issuing community's accounts.</summary>
    private Result<DepositReceipt> Credit(Changes changes, string requestId, PolicySnapshot rules, string issuer, long minutes, string reference, string category, Book book)
    {
        var points = Amounts.PointsForMinutes(minutes, rules.Settings.PointsPerHour);
        var hoursTransferId = changes.NextTransferId;
        var pointsTransferId = "";
        var hours = new Move(LedgerKind.Hours, AccountNames.CommunityHoursIssued(issuer), AccountNames.VolunteerHours(VolunteerId), minutes, TransferCode.Service, reference, category);
        if (changes.Apply(book, hours, rules.Version) is not TransferResult.Ok and var refused)
        {
            return LedgerFailures.Of(refused, book, hours);
        }

        if (points > 0)
        {
            pointsTransferId = changes.NextTransferId;
            var credit = new Move(LedgerKind.Points, AccountNames.CommunityPointsIssued(issuer), AccountNames.VolunteerPoints(VolunteerId), points, TransferCode.Service, reference, category);
            if (changes.Apply(book, credit, rules.Version) is not TransferResult.Ok and var refusedPoints)
            {
                return LedgerFailures.Of(refusedPoints, book, credit);
            }
        }

        return new DepositReceipt(requestId, minutes, points, changes.Now, Balances(), hoursTransferId, pointsTransferId);
    }

    public Task<Result<VolunteerBalance>> GetBalanceAsync()
    {
        Result<VolunteerBalance> result = StateExists
            ? new VolunteerBalance(VolunteerId, State.Hours.CreditBalance, State.Points.CreditBalance, State.Hours.AvailableCredit, State.Points.AvailableCredit)
            : Failure.Of(ErrorReasons.VolunteerNotFound, ("volunteer_id", VolunteerId));
        return Task.FromResult(result);
    }

    public async Task<Result<Statement>> GetStatementAsync(GetStatement query)
    {
        if (StatementReader.Validate(query) is { } invalid)
        {
            return invalid;
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.VolunteerNotFound, ("volunteer_id", VolunteerId));
        }

        var reader = new StatementReader(
            GrainId.ToString(), [AccountNames.VolunteerHours(VolunteerId), AccountNames.VolunteerPoints(VolunteerId)], (after, limit) => ReadJournalAsync(after, limit));
        return await reader.ReadAsync(query, State.JournalSequence);
    }

    private Failure? Validate(RegisterVolunteer command)
    {
        if (!Identifiers.IsValidId(VolunteerId))
        {
            return Failure.Of(ErrorReasons.InvalidVolunteerId, ("value", VolunteerId));
        }

        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!Identifiers.IsValidDisplayName(command.DisplayName))
        {
            return Failure.Of(ErrorReasons.InvalidDisplayName);
        }

        return Identifiers.IsValidId(command.CommunityId) ? null : Failure.Of(ErrorReasons.InvalidCommunityId, ("value", command.CommunityId));
    }

    private static Failure? Validate(DepositHours command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!Identifiers.IsValidId(command.ActivityId))
        {
            return Failure.Of(ErrorReasons.InvalidActivityId, ("value", command.ActivityId));
        }

        if (command.Minutes <= 0)
        {
            return Failure.Of(ErrorReasons.MinutesNotPositive, ("minutes", command.Minutes));
        }

        return command.Minutes > Amounts.MaxMinutesPerDeposit
            ? Failure.Of(ErrorReasons.MinutesTooLarge, ("minutes", command.Minutes), ("max", Amounts.MaxMinutesPerDeposit))
            : null;
    }

    public Task ReceiveReminderAsync(string name, DateTimeOffset due) => name switch
    {
        TransfersReminder => ResumeTransfersAsync(),
        HoldsReminder => ExpireHoldsAsync(),
        ReversalsReminder => ResumeReversalsAsync(),
        _ => Task.CompletedTask, // a reminder of an older version of this grain: let it lapse
    };

    /// <summary>Drops holds and transfers that ended more than the retention ago, so state stays bounded.</summary>
    protected override void BeforeWrite(DateTimeOffset now)
    {
        var cutoff = now - options.EndedRecordRetention;
        foreach (var (id, _) in State.Pending.Where(p => p.Value.State != PendingState.Pending && (p.Value.EndedAt ?? DateTimeOffset.MinValue) <= cutoff).ToArray())
        {
            State.Pending.Remove(id);
        }

        foreach (var (id, _) in State.Outgoing.Where(t => t.Value.Status != OutgoingTransferStatus.Pending && (t.Value.EndedAt ?? DateTimeOffset.MinValue) <= cutoff).ToArray())
        {
            State.Outgoing.Remove(id);
        }
    }

    /// <summary>The rules of this volunteer's community: from the per-host cache, or asked of the community grain.</summary>
    private ValueTask<Result<PolicySnapshot>> RulesAsync() => policies.GetAsync(GrainFactory, State.CommunityId);

    /// <summary>This volunteer's two accounts and holds as a book (changed in place).</summary>
    private Book Book(PolicySnapshot policy) => Book(policy.Settings.HoursCreditLimitMinutes);

    /// <param name="hoursLimit">How far below zero the hours may go; null for no limit (steps that only end earlier holds).</param>
    private Book Book(long? hoursLimit) => new(
        new Dictionary<string, TrackedAccount>(StringComparer.Ordinal)
        {
            [AccountNames.VolunteerHours(VolunteerId)] = new(LedgerKind.Hours, State.Hours, Limit: hoursLimit),
            [AccountNames.VolunteerPoints(VolunteerId)] = new(LedgerKind.Points, State.Points, Limit: 0),
        },
        State.Pending);

    private VolunteerBalances Balances() => new(State.Hours.CreditBalance, State.Hours.AvailableCredit, State.Points.CreditBalance, State.Points.AvailableCredit);

    /// <summary>A transfer id, <c>volunteer/{id}#{sequence}</c>: its sequence and whether it is this volunteer's; null when malformed.</summary>
    private (bool Mine, long Sequence)? ParseTransferId(string transferId)
    {
        var hash = transferId.LastIndexOf('#');
        var owner = hash > 0 ? transferId[..hash] : "";
        const string Prefix = TypeName + "/";
        if (!owner.StartsWith(Prefix, StringComparison.Ordinal) || !Identifiers.IsValidId(owner[Prefix.Length..])
            || !long.TryParse(transferId.AsSpan(hash + 1), System.Globalization.NumberStyles.None, null, out var sequence) || sequence <= 0)
        {
            return null;
        }

        return (owner == GrainId.ToString(), sequence);
    }

    private VolunteerProfile Profile() => new(VolunteerId, State.DisplayName, State.CommunityId, State.RegisteredAt);
}
