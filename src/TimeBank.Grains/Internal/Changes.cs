using TimeBank.Grains.Reports;
using TimeBank.Ledger;
using TimeBank.Runtime;
using TimeBank.Storage;
using TimeBank.Storage.Reports;

namespace TimeBank.Grains.Internal;

/// <summary>
/// What one mutation changed, handed to the grain's apply step: the transfers it applied to its book (each
/// becomes a journal row, with the balance it left on the grain's own account) and whether it changed state
/// at all. The grain says what happened; <see cref="TimeBankGrain{TState}"/> turns it into journal rows and
/// one durable write.
/// </summary>
public sealed class Changes
{
    private readonly List<AppliedTransfer> _transfers = [];
    private List<Tally>? _tallies;
    private List<ActiveMark>? _marks;
    private readonly string _grainId;
    private readonly long _firstSequence;

    internal Changes(DateTimeOffset now, string grainId, long firstSequence, string actorKeyId)
    {
        Now = now;
        _grainId = grainId;
        _firstSequence = firstSequence;
        ActorKeyId = actorKeyId;
    }

    /// <summary>The mutation's time, already truncated to what the journal keeps, so a replay matches.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>The key whose call this is; every row it writes names it.</summary>
    public string ActorKeyId { get; }

    internal IReadOnlyList<AppliedTransfer> Transfers => _transfers;

    internal bool StateChanged { get; private set; }

    /// <summary>The id the next transfer applied through this will get: <c>{grain id}#{journal sequence}</c>.</summary>
    public string NextTransferId => TransferId(_grainId, _firstSequence + _transfers.Count);

    public static string TransferId(string grainId, long sequence) => $"{grainId}#{sequence}";

    /// <summary>
    /// Applies one transfer to <paramref name="book"/> and, when the book accepts it, records it for the
    /// journal. A refused transfer changes nothing and records nothing; the caller answers with the reason.
    /// </summary>
    public TransferResult Apply(Book book, Move move, long policyVersion = 0)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(move);
        var transfer = new Transfer(
            NextTransferId, move.Ledger, move.DebitAccount, move.CreditAccount, move.Amount, move.Code, move.Category, move.Reference,
            ActorKeyId, move.OccurredAt is { } at ? UnixMicroseconds.Truncate(at) : Now, move.Kind, move.PendingId, move.Timeout);
        var result = book.Apply(transfer, Now);
        if (result != TransferResult.Ok)
        {
            return result;
        }

        // The balance column of a row is the grain's own side of it: a volunteer's hours after a gift it received.
        var own = book.Tracks(move.CreditAccount) ? move.CreditAccount : move.DebitAccount;
        _transfers.Add(new AppliedTransfer(transfer, move.Memo, book.BalanceOf(own).CreditBalance, policyVersion));
        StateChanged = true;
        return result;
    }

    /// <summary>Says the state changed without any transfer (a registration, a policy).</summary>
    public void StateWasChanged() => StateChanged = true;

    /// <summary>
    /// Adds <paramref name="amount"/> to a community's figure (see <see cref="Figures"/>) for the month of
    /// <paramref name="at"/> (now when null), in the write that makes it true.
    /// </summary>
    public void Count(string communityId, string figure, string category, long amount, DateTimeOffset? at = null)
    {
        if (amount != 0)
        {
            (_tallies ??= []).Add(new Tally(communityId, figure, Periods.Month(at ?? Now), category, amount));
        }
    }

    /// <summary>Marks that <paramref name="member"/> took part in <paramref name="period"/> of <paramref name="scope"/> (stored once; see <see cref="ActiveMark"/>).</summary>
    public void Mark(string scope, string period, string member) => (_marks ??= []).Add(new ActiveMark(scope, period, member));

    /// <summary>What the write adds for reports, with the grain's standing as it stands after the change (null: none kept).</summary>
    internal ReportWrites? Reports(Storage.Reports.Standing? standing)
        => _tallies is null && _marks is null && standing is null ? null : new ReportWrites(_tallies ?? [], _marks ?? [], standing);

    internal sealed record AppliedTransfer(Transfer Transfer, string Memo, long BalanceAfter, long PolicyVersion);
}

/// <summary>A transfer as a grain asks for it; <see cref="Changes"/> gives it its id, time and actor.</summary>
/// <param name="OccurredAt">When it happened, if not now: a sale an offline terminal made earlier is journaled at its own time.</param>
public sealed record Move(
    LedgerKind Ledger,
    string DebitAccount,
    string CreditAccount,
    long Amount,
    TransferCode Code,
    string Reference,
    string Category = "",
    string Memo = "",
    TransferKind Kind = TransferKind.Posted,
    string? PendingId = null,
    DateTimeOffset? Timeout = null,
    DateTimeOffset? OccurredAt = null);
