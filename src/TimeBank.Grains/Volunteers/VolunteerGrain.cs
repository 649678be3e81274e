using System.Globalization;
using TimeBank.Grains.Internal;
using TimeBank.Ledger;
using TimeBank.Runtime;
using TimeBank.Storage;

namespace TimeBank.Grains.Volunteers;

public sealed class VolunteerGrain(TimeBankGrainOptions options) : Grain<VolunteerState>, IVolunteerGrain
{
    public const string TypeName = "volunteer";

    private const int HoursLeg = 0;
    private const int PointsLeg = 1;

    private string VolunteerId => GrainId.Key;

    public async Task<RegisterVolunteerResult> RegisterAsync(RegisterVolunteer command)
    {
        if (!Identifiers.IsValidId(VolunteerId))
        {
            return new(RegisterVolunteerStatus.InvalidVolunteerId, null);
        }

        if (!Identifiers.IsValidDisplayName(command.DisplayName))
        {
            return new(RegisterVolunteerStatus.InvalidDisplayName, null);
        }

        if (!Identifiers.IsValidId(command.CommunityId))
        {
            return new(RegisterVolunteerStatus.InvalidCommunityId, null);
        }

        var displayName = command.DisplayName.Trim();
        if (StateExists)
        {
            var same = State.DisplayName == displayName && State.CommunityId == command.CommunityId;
            return same
                ? new(RegisterVolunteerStatus.AlreadyRegistered, Profile())
                : new(RegisterVolunteerStatus.VolunteerIdTaken, null);
        }

        State.DisplayName = displayName;
        State.CommunityId = command.CommunityId;
        State.RegisteredAt = UnixMicroseconds.Truncate(Clock.GetUtcNow());
        await WriteStateAsync();
        return new(RegisterVolunteerStatus.Registered, Profile());
    }

    public async Task<DepositHoursResult> DepositHoursAsync(DepositHours command)
    {
        if (Validate(command) is { } invalid)
        {
            return new(invalid, null);
        }

        if (!StateExists)
        {
            return new(DepositHoursStatus.VolunteerNotFound, null);
        }

        var fingerprint = RequestFingerprint.Of("deposit-hours", command.ActivityId, command.Minutes.ToString(CultureInfo.InvariantCulture));
        var earlier = await FindJournalByRequestAsync(command.RequestId);
        if (earlier.Count > 0)
        {
            return earlier[0].RequestHash.Span.SequenceEqual(fingerprint)
                ? new(DepositHoursStatus.AlreadyDeposited, ReceiptFrom(earlier))
                : new(DepositHoursStatus.RequestIdReused, null);
        }

        var now = UnixMicroseconds.Truncate(Clock.GetUtcNow()); // what the journal keeps, so a replay matches
        var points = Amounts.PointsForMinutes(command.Minutes, options.PointsPerHour);
        var journal = new List<JournalEntry>(2);

        State.Hours.PostCredit(command.Minutes);
        journal.Add(Entry(command, HoursLeg, LedgerKind.Hours, AccountNames.CommunityHoursIssued(State.CommunityId),
            AccountNames.VolunteerHours(VolunteerId), command.Minutes, State.Hours.CreditBalance, now, fingerprint));
        if (points > 0)
        {
            State.Points.PostCredit(points);
            journal.Add(Entry(command, PointsLeg, LedgerKind.Points, AccountNames.CommunityPointsIssued(State.CommunityId),
                AccountNames.VolunteerPoints(VolunteerId), points, State.Points.CreditBalance, now, fingerprint));
        }

        await WriteStateAsync(journal);
        return new(DepositHoursStatus.Deposited, new DepositReceipt(command.RequestId, command.Minutes, points, now));
    }

    public Task<GetBalanceResult> GetBalanceAsync()
    {
        // An unregistered id activates an empty grain; it writes nothing and is collected when idle.
        var result = StateExists
            ? new GetBalanceResult(GetBalanceStatus.Ok, new VolunteerBalance(VolunteerId, State.Hours.CreditBalance, State.Points.CreditBalance))
            : new GetBalanceResult(GetBalanceStatus.VolunteerNotFound, null);
        return Task.FromResult(result);
    }

    private static DepositHoursStatus? Validate(DepositHours command)
    {
        if (!Identifiers.IsValidRequestId(command.RequestId))
        {
            return DepositHoursStatus.InvalidRequestId;
        }

        if (!Identifiers.IsValidId(command.ActivityId))
        {
            return DepositHoursStatus.InvalidActivityId;
        }

        if (command.Minutes <= 0)
        {
            return DepositHoursStatus.MinutesNotPositive;
        }

        if (command.Minutes > Amounts.MaxMinutesPerDeposit)
        {
            return DepositHoursStatus.MinutesTooLarge;
        }

        return null;
    }

    private static DepositReceipt ReceiptFrom(IReadOnlyList<JournalEntry> rows)
    {
        var hours = rows.Single(r => r.Leg == HoursLeg);
        var points = rows.SingleOrDefault(r => r.Leg == PointsLeg);
        return new DepositReceipt(hours.RequestId, hours.Amount, points?.Amount ?? 0, hours.RecordedAt);
    }

    private VolunteerProfile Profile() => new(VolunteerId, State.DisplayName, State.CommunityId, State.RegisteredAt);

    private JournalEntry Entry(
        DepositHours command, int leg, LedgerKind ledger, string debit, string credit, long amount, long balanceAfter,
        DateTimeOffset now, byte[] fingerprint)
    {
        var transfer = Transfer.Create(command.RequestId, leg, ledger, debit, credit, amount, TransferCode.Service, command.ActivityId, now);
        return new JournalEntry(
            Sequence: ++State.JournalSequence,
            RequestId: transfer.RequestId,
            Leg: transfer.Leg,
            Ledger: (int)transfer.Ledger,
            DebitAccount: transfer.DebitAccount,
            CreditAccount: transfer.CreditAccount,
            Amount: transfer.Amount,
            Code: (int)transfer.Code,
            Reference: transfer.Reference,
            BalanceAfter: balanceAfter,
            RecordedAt: transfer.Timestamp,
            RequestHash: fingerprint);
    }
}
