using TimeBank.Contracts.V1;
using TimeBank.Grains.Internal;

namespace TimeBank.Grains.Stores;

/// <summary>
/// Store days: what counts where, the day close, receipts by id and by day, and the store's rules. Whatever
/// happens counts on the day it happens, or, if that day is closed already, on the first day still open
/// after it; so a closed day's summary never changes.
/// </summary>
public sealed partial class StoreGrain
{
    public const long MaxOfflineDailyLimitPoints = 1_000_000;

    public const int MaxUtcOffsetMinutes = 14 * 60;

    public const int MaxListDays = 31;

    public const int MaxReceiptPageSize = 500;

    public const int DefaultReceiptPageSize = 100;

    /// <summary>How many receipts one book of a day keeps (see <see cref="StoreDayGrain"/>).</summary>
    public const int ReceiptsPerDayBook = StoreDays.ReceiptsPerBook;

    public async Task<Result<StoreRules>> SetStoreRulesAsync(SetStoreRules command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (command.OfflineDailyLimitPoints is < 0 or > MaxOfflineDailyLimitPoints)
        {
            return Failure.Of(ErrorReasons.OfflineLimitOutOfRange, ("value", command.OfflineDailyLimitPoints), ("max", MaxOfflineDailyLimitPoints));
        }

        if (command.UtcOffsetMinutes is < -MaxUtcOffsetMinutes or > MaxUtcOffsetMinutes)
        {
            return Failure.Of(ErrorReasons.UtcOffsetOutOfRange, ("value", command.UtcOffsetMinutes));
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.StoreNotFound, ("store_id", StoreId));
        }

        return await MutateAsync(command.Request, command, Result<StoreRules> (c, changes) =>
        {
            var changed = State.OfflineDailyLimitPoints != c.OfflineDailyLimitPoints || State.UtcOffsetMinutes != c.UtcOffsetMinutes;
            if (changed)
            {
                State.OfflineDailyLimitPoints = c.OfflineDailyLimitPoints;
                State.UtcOffsetMinutes = c.UtcOffsetMinutes;
                changes.StateWasChanged();
            }

            return new StoreRules(StoreId, State.OfflineDailyLimitPoints, State.UtcOffsetMinutes, changed);
        });
    }

    public async Task<Result<DaySummary>> CloseDayAsync(CloseDay command)
    {
        if (!Identifiers.IsValidRequestId(command.Request.RequestId))
        {
            return Failure.Of(ErrorReasons.InvalidRequestId, ("value", command.Request.RequestId));
        }

        if (!StoreDays.TryParse(command.Day, out _))
        {
            return Failure.Of(ErrorReasons.InvalidDay, ("field", "day"), ("value", command.Day));
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.StoreNotFound, ("store_id", StoreId));
        }

        var today = Today(Clock.GetUtcNow());
        if (string.CompareOrdinal(command.Day, today) > 0)
        {
            return Failure.Of(ErrorReasons.DayNotStarted, ("day", command.Day), ("today", today));
        }

        var opened = StoreDays.DayOf(State.OpenedAt, State.UtcOffsetMinutes);
        if (string.CompareOrdinal(command.Day, opened) < 0 && !State.ClosedDays.Contains(command.Day))
        {
            return Failure.Of(ErrorReasons.DayBeforeOpening, ("store_id", StoreId), ("opened", opened), ("day", command.Day));
        }

        if (!State.ClosedDays.Contains(command.Day))
        {
            // What is under way for the day ends first, so the summary is final when it is fixed.
            await ResumeAsync();
            var open = State.PendingSales.Values.Count(s => s.Day == command.Day) + State.PendingRefunds.Values.Count(r => r.Day == command.Day);
            if (StateDiscarded || open > 0)
            {
                return Failure.Of(ErrorReasons.StoreDayBusy, ("store_id", StoreId), ("open", open));
            }
        }

        var closing = await MutateAsync(command.Request, command, Result<DayClosing> (c, changes) =>
        {
            if (State.ClosedDays.Add(c.Day))
            {
                changes.StateWasChanged();
            }

            return new DayClosing(c.Day);
        });
        if (!closing.Succeeded)
        {
            return closing.Failure;
        }

        // Nothing reaches the day's books once the store has it closed, so the summary fixed now is the same
        // whenever this step runs: again by a retry if a crash cut it off here.
        var head = await HeadOf(command.Day).GetSummaryAsync();
        if (head is { Succeeded: true, Value.Closed: true })
        {
            return head;
        }

        var others = new List<DaySummary>();
        for (var book = 1; book < await BookCountAsync(command.Day); book++)
        {
            others.Add((await Book(command.Day, book).GetSummaryAsync()).Value!);
        }

        return await HeadOf(command.Day).CloseAsync(new CloseStoreDay(StepKey(command.Day, "close"), others));
    }

    public async Task<Result<Receipt>> GetReceiptAsync(GetReceipt query)
    {
        if (!StoreDays.TryParseReceiptId(query.ReceiptId, out var day, out _))
        {
            return Failure.Of(ErrorReasons.InvalidReceiptId, ("value", query.ReceiptId));
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.StoreNotFound, ("store_id", StoreId));
        }

        return State.PendingSales.ContainsKey(query.ReceiptId)
            ? Failure.Of(ErrorReasons.RedemptionInProgress, ("receipt_id", query.ReceiptId))
            : await ReceiptAsync(query.ReceiptId);
    }

    /// <summary>
    /// A receipt from its book, asked twice when the first answer is "not found": the book's activation may be
    /// behind a receipt recorded through another process, and after that answer it reloads what is stored.
    /// </summary>
    private async Task<Result<Receipt>> ReceiptAsync(string receiptId)
    {
        var found = await BookOf(receiptId).GetReceiptAsync(new GetReceipt(receiptId));
        return found.Failure?.Reason == ErrorReasons.ReceiptNotFound ? await BookOf(receiptId).GetReceiptAsync(new GetReceipt(receiptId)) : found;
    }

    public async Task<Result<ReceiptPage>> ListReceiptsAsync(ListReceipts query)
    {
        if (!StoreDays.TryParse(query.FromDay, out var from))
        {
            return Failure.Of(ErrorReasons.InvalidDay, ("field", "from_day"), ("value", query.FromDay));
        }

        var to = from;
        if (query.ToDay.Length > 0 && !StoreDays.TryParse(query.ToDay, out to))
        {
            return Failure.Of(ErrorReasons.InvalidDay, ("field", "to_day"), ("value", query.ToDay));
        }

        if (to < from || to.DayNumber - from.DayNumber >= MaxListDays)
        {
            return Failure.Of(ErrorReasons.DayRangeTooLong, ("max", MaxListDays), ("from", query.FromDay), ("to", query.ToDay));
        }

        if (query.VolunteerId.Length > 0 && !Identifiers.IsValidId(query.VolunteerId))
        {
            return Failure.Of(ErrorReasons.InvalidVolunteerId, ("value", query.VolunteerId));
        }

        if (query.PageSize is < 0 or > MaxReceiptPageSize)
        {
            return Failure.Of(ErrorReasons.InvalidPage, ("field", "page_size"), ("rule", $"0 to {MaxReceiptPageSize}"));
        }

        // The token is where the last page stopped: a day in the range and the last receipt number given on it.
        var day = from;
        var after = 0L;
        if (query.PageToken.Length > 0)
        {
            var parts = query.PageToken.Split('/');
            if (parts.Length != 2 || !StoreDays.TryParse(parts[0], out day) || day < from || day > to || !long.TryParse(parts[1], out after) || after < 0)
            {
                return Failure.Of(ErrorReasons.InvalidPage, ("field", "page_token"), ("rule", "the next_page_token of the previous page, with the same filters"));
            }
        }

        if (!StateExists)
        {
            return Failure.Of(ErrorReasons.StoreNotFound, ("store_id", StoreId));
        }

        var limit = query.PageSize == 0 ? DefaultReceiptPageSize : query.PageSize;
        var receipts = new List<Receipt>(limit);
        for (; day <= to; day = day.AddDays(1), after = 0)
        {
            var text = StoreDays.ToText(day);
            var books = await BookCountAsync(text);
            for (var book = (int)(after / StoreDays.ReceiptsPerBook); book < books; book++)
            {
                var page = await Book(text, book).ListAsync(new ListDayReceipts(query.VolunteerId, after, limit - receipts.Count));
                receipts.AddRange(page.Value!.Receipts);
                if (receipts.Count == limit)
                {
                    return new ReceiptPage(receipts, $"{text}/{StoreDays.NumberOfReceipt(receipts[^1].ReceiptId)}");
                }
            }
        }

        return new ReceiptPage(receipts, "");
    }

    /// <summary>How long the store remembers how many receipts each day had (where a day's books end).</summary>
    public static readonly TimeSpan ReceiptCountRetention = TimeSpan.FromDays(400);

    /// <summary>
    /// How many books a day has: from the store's count of its receipts, or, for a day older than the store
    /// remembers, up to the first book with no receipt at all.
    /// </summary>
    private async Task<int> BookCountAsync(string day)
    {
        if (State.ReceiptNumbers.TryGetValue(day, out var last))
        {
            return (int)((last - 1) / StoreDays.ReceiptsPerBook) + 1;
        }

        var books = 1;
        while ((await Book(day, books).ListAsync(new ListDayReceipts("", 0, 1))).Value!.Receipts.Count > 0)
        {
            books++;
        }

        return books;
    }

    private IStoreDayGrain Book(string day, int book) => GrainFactory.GetGrain<IStoreDayGrain>(StoreDays.BookKey(StoreId, day, (book * (long)StoreDays.ReceiptsPerBook) + 1));

    /// <summary>Today in the store's local time.</summary>
    private string Today(DateTimeOffset now) => StoreDays.DayOf(now, State.UtcOffsetMinutes);

    /// <summary>The day something happening on <paramref name="day"/> counts on: that day, or the first open one after it.</summary>
    private string OpenDayFrom(string day)
    {
        while (State.ClosedDays.Contains(day))
        {
            day = StoreDays.Next(day);
        }

        return day;
    }

    /// <summary>Drops what is older than any sale a sync still takes: closed days and offline spending.</summary>
    protected override void BeforeWrite(DateTimeOffset now)
    {
        var horizon = StoreDays.DayOf(now - OfflineSaleHorizon - TimeSpan.FromDays(1), State.UtcOffsetMinutes);
        State.ClosedDays.RemoveWhere(d => string.CompareOrdinal(d, horizon) < 0);
        foreach (var key in State.OfflineSpent.Keys.TakeWhile(k => string.CompareOrdinal(k, horizon) < 0).ToArray())
        {
            State.OfflineSpent.Remove(key);
        }

        var forgotten = StoreDays.DayOf(now - ReceiptCountRetention, State.UtcOffsetMinutes);
        foreach (var day in State.ReceiptNumbers.Keys.TakeWhile(d => string.CompareOrdinal(d, forgotten) < 0).ToArray())
        {
            State.ReceiptNumbers.Remove(day);
        }
    }

    public Task ReceiveReminderAsync(string name, DateTimeOffset due) => name switch
    {
        SalesReminder => ResumeAsync(),
        _ => Task.CompletedTask, // a reminder of an older version of this grain: let it lapse
    };

    private sealed record DayClosing(string Day);
}
