using TimeBank.Contracts.V1;
using TimeBank.Grains.Communities;
using TimeBank.Grains.Internal;
using TimeBank.Ledger;
using TimeBank.Storage;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Volunteers;

/// <summary>
/// Reads a page of a volunteer's statement from its journal, newest first: batches of rows read backwards
/// from the newest sequence, filtered in memory, until the page is full. Each call scans at most
/// <see cref="ScanFactor"/> rows per line asked and then hands back a token to go on, so a filter that
/// matches nothing cannot make one call walk a long journal.
/// </summary>
/// <param name="grainId">The volunteer's grain id (<c>volunteer/ana</c>): transfer ids and tokens are built from it.</param>
/// <param name="ownAccounts">The volunteer's accounts: a row crediting one of them is a plus on the statement.</param>
/// <param name="readJournal">The grain's journal, oldest first after a sequence, at most a number of rows.</param>
internal sealed class StatementReader(string grainId, IReadOnlyCollection<string> ownAccounts, Func<long, int, Task<IReadOnlyList<JournalEntry>>> readJournal)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    /// <summary>Journal rows one call may scan per line of its page size.</summary>
    public const int ScanFactor = 10;

    /// <summary>Fewest rows read at once while a filtered page fills: one round trip per few lines would be slow.</summary>
    private const int MinBatch = 32;

    /// <summary>The first thing wrong with a query that no state is needed to see, or null.</summary>
    public static Failure? Validate(GetStatement query)
    {
        if (query.PageSize is < 0 or > MaxPageSize)
        {
            return Failure.Of(ErrorReasons.InvalidPage, ("field", "page_size"), ("rule", $"1 to {MaxPageSize}, or 0 for {DefaultPageSize}"));
        }

        if (query.Ledger is { } ledger && !Enum.IsDefined(ledger))
        {
            return Failure.Of(ErrorReasons.InvalidLedger, ("value", (int)ledger));
        }

        if (query.Code is { } code && !Enum.IsDefined(code))
        {
            return Failure.Of(ErrorReasons.InvalidTransferCode, ("allowed", "a TransferCode value"), ("value", (int)code));
        }

        if (query.Category.Length > 0 && !CommunityPolicies.IsValidCategory(query.Category))
        {
            return Failure.Of(ErrorReasons.InvalidCategoryFilter, ("value", query.Category));
        }

        return query is { FromTime: { } from, ToTime: { } to } && from >= to
            ? Failure.Of(ErrorReasons.InvalidTimeRange, ("from", from.ToString("O")), ("to", to.ToString("O")))
            : null;
    }

    /// <summary>One page of a valid query (see <see cref="Validate"/>) over a journal whose last row is <paramref name="lastSequence"/>.</summary>
    public async Task<Result<Statement>> ReadAsync(GetStatement query, long lastSequence)
    {
        var next = lastSequence; // the newest sequence not yet scanned
        if (query.PageToken.Length > 0
            && (!StatementPageToken.TryDecode(query.PageToken, grainId, query, out next) || next > lastSequence))
        {
            return Failure.Of(ErrorReasons.InvalidPage, ("field", "page_token"),
                ("rule", "pass next_page_token from the previous page as it came, with the same volunteer and filters"));
        }

        var pageSize = query.PageSize == 0 ? DefaultPageSize : query.PageSize;
        var budget = pageSize * ScanFactor;
        var filtered = query is not { Ledger: null, Code: null, Category: "", FromTime: null, ToTime: null };
        var lines = new List<StatementEntry>(Math.Min(pageSize, 64));
        while (next > 0 && lines.Count < pageSize && budget > 0)
        {
            // Unfiltered, every row is a line: read just what the page lacks.
            var wanted = filtered ? Math.Max(pageSize - lines.Count, MinBatch) : pageSize - lines.Count;
            var count = (int)Math.Min(next, Math.Min(budget, wanted));
            var after = next - count;
            var rows = await readJournal(after, count);
            var scannedTo = after; // where the walk goes on once the whole batch is scanned
            for (var i = rows.Count - 1; i >= 0; i--)
            {
                var row = rows[i];
                if (row.Sequence > next)
                {
                    continue; // only when rows are missing below: the read then reaches rows already scanned
                }

                budget--;
                if (Matches(row, query))
                {
                    lines.Add(ToEntry(row));
                }

                if (lines.Count == pageSize || budget == 0)
                {
                    scannedTo = row.Sequence - 1;
                    break;
                }
            }

            next = scannedTo;
        }

        return new Statement(lines, next > 0 ? StatementPageToken.Encode(next, grainId, query) : "");
    }

    private static bool Matches(JournalEntry row, GetStatement query)
        => (query.Ledger is not { } ledger || row.Ledger == (int)ledger)
           && (query.Code is not { } code || row.Code == (int)code)
           && (query.Category.Length == 0 || string.Equals(row.Category, query.Category, StringComparison.Ordinal))
           && (query.FromTime is not { } from || row.RecordedAt >= from)
           && (query.ToTime is not { } to || row.RecordedAt < to);

    private StatementEntry ToEntry(JournalEntry row) => new(
        Changes.TransferId(grainId, row.Sequence),
        row.Sequence,
        row.RecordedAt,
        (LedgerKind)row.Ledger,
        (TransferKind)row.Kind,
        (TransferCode)row.Code,
        row.Category,
        row.Reference,
        row.Memo,
        row.DebitAccount,
        row.CreditAccount,
        ownAccounts.Contains(row.CreditAccount) ? row.Amount : -row.Amount,
        row.BalanceAfter,
        row.ActorKeyId,
        row.PendingId);
}
