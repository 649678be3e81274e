using TimeBank.Contracts.V1;
using TimeBank.Grains.Volunteers;
using TimeBank.Ledger;
using TimeBank.Runtime;
using TimeBank.Storage;
using TransferCode = TimeBank.Ledger.TransferCode;
using TransferKind = TimeBank.Ledger.TransferKind;

namespace TimeBank.Grains.Tests;

/// <summary>
/// GetStatement on every provider: deposits read back newest first with their running balances, paging
/// without gaps or repeats, every filter alone and together (checked against a plain filter over a seeded
/// journal of gifts, redemptions and holds, which no RPC writes yet), the scan bound, and bad queries.
/// </summary>
public sealed class StatementTests
{
    private static readonly DateTimeOffset SeedStart = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Deposits_read_back_newest_first_with_the_running_balance_of_each_ledger(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");
        var receipts = new List<DepositReceipt>();
        foreach (var (activity, minutes, category) in new[] { ("park", 60L, "youth"), ("library", 30L, ""), ("choir", 90L, "culture") })
        {
            receipts.Add((await ana.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), activity, minutes, category))).Value!);
        }

        var statement = (await ana.GetStatementAsync(new GetStatement())).Value!;

        Assert.Equal("", statement.NextPageToken);
        Assert.Equal(
            [
                Line(6, receipts[2], LedgerKind.Points, "choir", "culture", 15, 30),
                Line(5, receipts[2], LedgerKind.Hours, "choir", "culture", 90, 180),
                Line(4, receipts[1], LedgerKind.Points, "library", "", 5, 15),
                Line(3, receipts[1], LedgerKind.Hours, "library", "", 30, 90),
                Line(2, receipts[0], LedgerKind.Points, "park", "youth", 10, 10),
                Line(1, receipts[0], LedgerKind.Hours, "park", "youth", 60, 60),
            ],
            statement.Lines);
        Assert.Equal(new VolunteerBalance("ana", 180, 30, 180, 30), (await ana.GetBalanceAsync()).Value);

        static StatementEntry Line(long sequence, DepositReceipt receipt, LedgerKind ledger, string activity, string category, long amount, long balance)
        {
            var (debit, credit) = ledger == LedgerKind.Hours
                ? ("community/riverside/hours-issued", "volunteer/ana/hours")
                : ("community/riverside/points-issued", "volunteer/ana/points");
            return new StatementEntry($"volunteer/ana#{sequence}", sequence, receipt.RecordedAt, ledger, TransferKind.Posted, TransferCode.Service,
                category, activity, "", debit, credit, amount, balance, TestRequests.CallerKeyId, "");
        }
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Pages_of_two_walk_the_whole_journal_without_gaps_or_repeats_and_a_walk_ignores_deposits_made_during_it(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var ana = await RegisteredAsync(test, "ana");
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await ana.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "act", 30 + i))).Succeeded);
        }

        var first = (await ana.GetStatementAsync(new GetStatement(PageSize: 2))).Value!;
        Assert.Equal([10L, 9L], first.Lines.Select(l => l.Sequence));
        Assert.NotEqual("", first.NextPageToken);
        Assert.True((await ana.DepositHoursAsync(new DepositHours(TestRequests.NewKey(), "late", 45))).Succeeded); // rows 11 and 12

        var pages = new List<Statement> { first };
        while (pages[^1].NextPageToken.Length > 0 && pages.Count < 100)
        {
            var page = await ana.GetStatementAsync(new GetStatement(PageSize: 2, PageToken: pages[^1].NextPageToken));
            Assert.True(page.Succeeded, page.ToString());
            pages.Add(page.Value);
        }

        Assert.Equal(5, pages.Count);
        Assert.All(pages, p => Assert.Equal(2, p.Lines.Count));
        Assert.Equal(Enumerable.Range(1, 10).Reverse().Select(i => (long)i), pages.SelectMany(p => p.Lines).Select(l => l.Sequence));
        Assert.Equal([12L, 11L], (await ana.GetStatementAsync(new GetStatement(PageSize: 2))).Value!.Lines.Select(l => l.Sequence)); // a new walk sees them
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Debits_are_negative_and_every_line_shows_its_journal_row(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var rows = await SeedAsync(test, "ana", 40);
        var ana = test.Host.GetGrain<IVolunteerGrain>("ana");

        var lines = await WalkAsync(ana, new GetStatement(PageSize: 500));

        Assert.Equal(rows.OrderByDescending(r => r.Sequence).Select(Expected), lines);
        Assert.Contains(lines, l => l.Amount < 0);
        Assert.Contains(lines, l => l.Amount > 0);
    }

    public static readonly TheoryData<string, string, int> Filters = GrainTestHost.OnEveryProvider(
        ("ledger points", 3),
        ("ledger hours", 7),
        ("code gift", 2),
        ("code service", 500),
        ("code expiry (none)", 4),
        ("category youth", 1),
        ("category never used", 3),
        ("from", 4),
        ("to", 4),
        ("from and to", 2),
        ("hours, gift, culture, from and to", 1),
        ("points, redemption, after the journal", 5));

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Each_filter_alone_and_together_gives_exactly_the_matching_rows_newest_first_across_pages(string provider, string filter, int pageSize)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        var rows = await SeedAsync(test, "ana", 40);
        var ana = test.Host.GetGrain<IVolunteerGrain>("ana");
        var query = Query(filter) with { PageSize = pageSize };

        var lines = await WalkAsync(ana, query);

        var expected = rows.Where(r => Matches(r, query)).OrderByDescending(r => r.Sequence).Select(Expected).ToList();
        Assert.Equal(expected, lines);
        Assert.Equal(filter.Contains("none", StringComparison.Ordinal) || filter.Contains("never", StringComparison.Ordinal) || filter.Contains("after", StringComparison.Ordinal), expected.Count == 0);
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task A_call_scans_at_most_ten_rows_per_line_asked_and_hands_back_a_token_that_finds_older_matches(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        await SeedAsync(test, "ana", 40); // only row 3 is elder-care
        var ana = test.Host.GetGrain<IVolunteerGrain>("ana");
        var query = new GetStatement(PageSize: 1, Category: "elder-care");

        var pages = new List<Statement> { (await ana.GetStatementAsync(query)).Value! };
        while (pages[^1].NextPageToken.Length > 0 && pages.Count < 100)
        {
            pages.Add((await ana.GetStatementAsync(query with { PageToken = pages[^1].NextPageToken })).Value!);
        }

        // Rows 40-31, 30-21, 20-11 hold no match; 10-3 fill the page; 2-1 are scanned last.
        Assert.Equal([0, 0, 0, 1, 0], pages.Select(p => p.Lines.Count));
        Assert.Equal(3, Assert.Single(pages[3].Lines).Sequence);
    }

    public static readonly TheoryData<string, string, string> BadQueries = GrainTestHost.OnEveryProvider(
        ("page_size -1", ErrorReasons.InvalidPage.Code),
        ("page_size 501", ErrorReasons.InvalidPage.Code),
        ("garbage token", ErrorReasons.InvalidPage.Code),
        ("over-long token", ErrorReasons.InvalidPage.Code),
        ("altered token", ErrorReasons.InvalidPage.Code),
        ("token of another volunteer", ErrorReasons.InvalidPage.Code),
        ("token of other filters", ErrorReasons.InvalidPage.Code),
        ("category of 65 characters", ErrorReasons.InvalidCategoryFilter.Code),
        ("category in capitals", ErrorReasons.InvalidCategoryFilter.Code),
        ("from equal to to", ErrorReasons.InvalidTimeRange.Code),
        ("from after to", ErrorReasons.InvalidTimeRange.Code),
        ("ledger 99", ErrorReasons.InvalidLedger.Code),
        ("code 0", ErrorReasons.InvalidTransferCode.Code),
        ("unknown volunteer", ErrorReasons.VolunteerNotFound.Code));

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task Bad_queries_are_refused_with_their_reason(string provider, string problem, string reason)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        await SeedAsync(test, "ana", 12);
        await SeedAsync(test, "ben", 12);
        var ana = test.Host.GetGrain<IVolunteerGrain>("ana");
        var anaToken = (await ana.GetStatementAsync(new GetStatement(PageSize: 2))).Value!.NextPageToken;
        var benToken = (await test.Host.GetGrain<IVolunteerGrain>("ben").GetStatementAsync(new GetStatement(PageSize: 2))).Value!.NextPageToken;
        var (target, query) = problem switch
        {
            "page_size -1" => ("ana", new GetStatement(PageSize: -1)),
            "page_size 501" => ("ana", new GetStatement(PageSize: 501)),
            "garbage token" => ("ana", new GetStatement(PageToken: "not a token!")),
            "over-long token" => ("ana", new GetStatement(PageToken: anaToken + new string('A', 100_000))),
            "altered token" => ("ana", new GetStatement(PageToken: anaToken[..^2] + (anaToken[^2] == 'A' ? "B" : "A") + anaToken[^1])),
            "token of another volunteer" => ("ana", new GetStatement(PageSize: 2, PageToken: benToken)),
            "token of other filters" => ("ana", new GetStatement(PageSize: 2, PageToken: anaToken, Ledger: LedgerKind.Hours)),
            "category of 65 characters" => ("ana", new GetStatement(Category: new string('a', 65))),
            "category in capitals" => ("ana", new GetStatement(Category: "Youth")),
            "from equal to to" => ("ana", new GetStatement(FromTime: SeedStart, ToTime: SeedStart)),
            "from after to" => ("ana", new GetStatement(FromTime: SeedStart.AddTicks(1), ToTime: SeedStart)),
            "ledger 99" => ("ana", new GetStatement(Ledger: (LedgerKind)99)),
            "code 0" => ("ana", new GetStatement(Code: (TransferCode)0)),
            "unknown volunteer" => ("nobody", new GetStatement()),
            _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, "no such case"),
        };

        var result = await test.Host.GetGrain<IVolunteerGrain>(target).GetStatementAsync(query);

        Assert.Equal(reason, result.Reason()?.Code);
        Assert.True((await ana.GetStatementAsync(new GetStatement(PageSize: 2, PageToken: anaToken))).Succeeded, "the real token still works");
    }

    [Theory]
    [MemberData(nameof(GrainTestHost.Providers), MemberType = typeof(GrainTestHost))]
    public async Task Page_size_zero_means_fifty_and_500_is_allowed(string provider)
    {
        await using var test = await GrainTestHost.StartAsync(provider);
        await SeedAsync(test, "ana", 60);
        var ana = test.Host.GetGrain<IVolunteerGrain>("ana");

        Assert.Equal(50, (await ana.GetStatementAsync(new GetStatement())).Value!.Lines.Count);
        var all = (await ana.GetStatementAsync(new GetStatement(PageSize: 500))).Value!;
        Assert.Equal((60, ""), (all.Lines.Count, all.NextPageToken));
    }

    /// <summary>The filter cases, over the seeded journal (row i recorded at SeedStart + i minutes).</summary>
    private static GetStatement Query(string filter) => filter switch
    {
        "ledger points" => new GetStatement(Ledger: LedgerKind.Points),
        "ledger hours" => new GetStatement(Ledger: LedgerKind.Hours),
        "code gift" => new GetStatement(Code: TransferCode.Gift),
        "code service" => new GetStatement(Code: TransferCode.Service),
        "code expiry (none)" => new GetStatement(Code: TransferCode.Expiry),
        "category youth" => new GetStatement(Category: "youth"),
        "category never used" => new GetStatement(Category: "chess"),
        "from" => new GetStatement(FromTime: SeedStart.AddMinutes(31)),
        "to" => new GetStatement(ToTime: SeedStart.AddMinutes(9)),
        "from and to" => new GetStatement(FromTime: SeedStart.AddMinutes(12), ToTime: SeedStart.AddMinutes(27)),
        "hours, gift, culture, from and to" => new GetStatement(
            Ledger: LedgerKind.Hours, Code: TransferCode.Gift, Category: "culture", FromTime: SeedStart.AddMinutes(5), ToTime: SeedStart.AddMinutes(36)),
        "points, redemption, after the journal" => new GetStatement(Ledger: LedgerKind.Points, Code: TransferCode.Redemption, FromTime: SeedStart.AddDays(1)),
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "no such case"),
    };

    /// <summary>The filters as the API documents them, written plainly, to check the reader against.</summary>
    private static bool Matches(JournalEntry row, GetStatement query)
        => (query.Ledger is null || row.Ledger == (int)query.Ledger)
           && (query.Code is null || row.Code == (int)query.Code)
           && (query.Category == "" || row.Category == query.Category)
           && (query.FromTime is null || row.RecordedAt >= query.FromTime)
           && (query.ToTime is null || row.RecordedAt < query.ToTime);

    private static StatementEntry Expected(JournalEntry row)
    {
        var credited = row.CreditAccount.StartsWith("volunteer/ana/", StringComparison.Ordinal);
        return new StatementEntry($"volunteer/ana#{row.Sequence}", row.Sequence, row.RecordedAt, (LedgerKind)row.Ledger, (TransferKind)row.Kind, (TransferCode)row.Code,
            row.Category, row.Reference, row.Memo, row.DebitAccount, row.CreditAccount, credited ? row.Amount : -row.Amount, row.BalanceAfter, row.ActorKeyId, row.PendingId);
    }

    private static async Task<List<StatementEntry>> WalkAsync(IVolunteerGrain grain, GetStatement query)
    {
        var lines = new List<StatementEntry>();
        var seen = 0;
        do
        {
            var page = await grain.GetStatementAsync(query);
            Assert.True(page.Succeeded, page.ToString());
            Assert.True(page.Value.Lines.Count <= (query.PageSize == 0 ? 50 : query.PageSize));
            lines.AddRange(page.Value.Lines);
            query = query with { PageToken = page.Value.NextPageToken };
            Assert.True(++seen < 1000, "the walk ends");
        }
        while (query.PageToken.Length > 0);

        return lines;
    }

    private static async Task<IVolunteerGrain> RegisteredAsync(GrainTestHost test, string id)
    {
        var grain = test.Host.GetGrain<IVolunteerGrain>(id);
        Assert.True((await grain.RegisterVolunteerAsync(new RegisterVolunteer(TestRequests.NewKey(), id, "riverside"))).Succeeded);
        return grain;
    }

    /// <summary>
    /// Stores a registered volunteer with <paramref name="count"/> journal rows, as later RPCs (gifts,
    /// redemptions, holds) will write them: row i is recorded at SeedStart + i minutes; odd rows are hours
    /// (i % 4 == 1 service, credited; 3 a gift to a friend, debited), even rows points (2 service; 0 a
    /// redemption, debited); rows 5, 10, ... count under youth, rows 1, 6, 11, ... under culture, row 3 under
    /// elder-care; row 8 is a hold that row 12 posts.
    /// </summary>
    private static async Task<List<JournalEntry>> SeedAsync(GrainTestHost test, string volunteer, int count)
    {
        var balances = new Dictionary<LedgerKind, long> { [LedgerKind.Hours] = 0, [LedgerKind.Points] = 0 };
        var rows = new List<JournalEntry>();
        for (var i = 1; i <= count; i++)
        {
            var (ledger, code, other) = (i % 4) switch
            {
                1 => (LedgerKind.Hours, TransferCode.Service, "community/riverside/hours-issued"),
                3 => (LedgerKind.Hours, TransferCode.Gift, $"volunteer/friend-{i}/hours"),
                2 => (LedgerKind.Points, TransferCode.Service, "community/riverside/points-issued"),
                _ => (LedgerKind.Points, TransferCode.Redemption, "store/corner/points-redeemed"),
            };
            var own = $"volunteer/{volunteer}/{(ledger == LedgerKind.Hours ? "hours" : "points")}";
            var debited = code is TransferCode.Gift or TransferCode.Redemption;
            var amount = debited ? 5L : 10L * i;
            var kind = i == 8 ? TransferKind.Pending : i == 12 ? TransferKind.PostPending : TransferKind.Posted;
            balances[ledger] += kind == TransferKind.Pending ? 0 : debited ? -amount : amount;
            rows.Add(new JournalEntry(i, $"req-{i}", 0, (int)ledger, debited ? own : other, debited ? other : own, amount, (int)code, $"ref-{i}",
                balances[ledger], SeedStart.AddMinutes(i), new byte[] { 7 })
            {
                ActorKeyId = $"key-{i % 3}",
                Kind = (int)kind,
                PendingId = i == 12 ? $"volunteer/{volunteer}#8" : "",
                TimeoutAt = i == 8 ? SeedStart.AddHours(1) : null,
                Category = i == 3 ? "elder-care" : i % 5 == 0 ? "youth" : i % 5 == 1 ? "culture" : "",
                Memo = i % 7 == 0 ? $"note {i}, \"quoted\"" : "",
            });
        }

        var head = JournalChain.Link(JournalChain.Genesis, $"volunteer/{volunteer}", rows);
        var state = new VolunteerState
        {
            DisplayName = volunteer, CommunityId = "riverside", RegisteredAt = SeedStart, JournalSequence = count, JournalHash = head.ToArray(),
        };
        await test.Storage.WriteStateAsync(
            new StateWrite($"volunteer/{volunteer}", 0, new JsonGrainStateSerializer().Serialize(state), rows), TestContext.Current.CancellationToken);
        return rows;
    }
}
