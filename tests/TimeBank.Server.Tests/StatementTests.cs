using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using TimeBank.Client;
using TimeBank.Contracts.V1;
using TimeBank.Rpc;
using TimeBank.Server.Api;
using TimeBank.Server.Api.Internal;

namespace TimeBank.Server.Tests;

/// <summary>GetStatement and ExportStatement over the wire, against the real server on SQLite.</summary>
public sealed class StatementTests
{
    private const string CsvHeader = "transfer_id,sequence,recorded_at,ledger,kind,code,category,reference,memo,debit_account,credit_account,amount,balance_after,actor_key_id,pending_id";

    private static readonly string AdminKeyId = RunningServer.AdminKey[4..20];

    [Fact]
    public async Task An_app_key_pages_through_a_statement_newest_first_with_running_balances_and_filters_it()
    {
        await using var running = await RunningServer.StartAsync();
        var receipts = await DepositsAsync(running.Client, "ana", ("park", 60, "youth"), ("library", 30, ""), ("choir", 90, "culture"));
        using var app = running.ClientWith(await KeyAsync(running.Client, "app", "riverside"));

        var first = await app.GetStatementAsync(new GetStatementRequest { VolunteerId = "ana", PageSize = 4 });
        var second = await app.GetStatementAsync(new GetStatementRequest { VolunteerId = "ana", PageSize = 4, PageToken = first.NextPageToken });

        Assert.Equal([6L, 5L, 4L, 3L], first.Lines.Select(l => l.Sequence));
        Assert.NotEqual("", first.NextPageToken);
        Assert.Equal([2L, 1L], second.Lines.Select(l => l.Sequence));
        Assert.Equal("", second.NextPageToken);
        Assert.Equal(new StatementLine
        {
            TransferId = "volunteer/ana#5", Sequence = 5, RecordedAt = receipts[2].RecordedAt, Ledger = LedgerType.Hours, Kind = TransferKind.Posted,
            Code = TransferCode.Service, Category = "culture", Reference = "choir", Memo = "", DebitAccount = "community/riverside/hours-issued",
            CreditAccount = "volunteer/ana/hours", Amount = 90, BalanceAfter = 180, ActorKeyId = AdminKeyId, PendingId = "",
        }, first.Lines[1]);
        Assert.Equal([30L, 180L, 15L, 90L, 10L, 60L], first.Lines.Concat(second.Lines).Select(l => l.BalanceAfter));

        var points = await app.GetStatementAsync(new GetStatementRequest { VolunteerId = "ana", Ledger = LedgerType.Points });
        Assert.Equal([6L, 4L, 2L], points.Lines.Select(l => l.Sequence));
        var youth = await app.GetStatementAsync(new GetStatementRequest { VolunteerId = "ana", Code = TransferCode.Service, Category = "youth" });
        Assert.Equal([2L, 1L], youth.Lines.Select(l => l.Sequence));
        var gifts = await app.GetStatementAsync(new GetStatementRequest { VolunteerId = "ana", Code = TransferCode.Gift });
        Assert.Empty(gifts.Lines);
        var middle = await app.GetStatementAsync(new GetStatementRequest { VolunteerId = "ana", FromTime = receipts[1].RecordedAt, ToTime = receipts[2].RecordedAt });
        Assert.Equal([4L, 3L], middle.Lines.Select(l => l.Sequence));
    }

    [Fact]
    public async Task The_csv_export_parses_back_to_the_statement_with_quoting_and_formulas_defused()
    {
        await using var running = await RunningServer.StartAsync();
        await DepositsAsync(running.Client, "ana", ("park", 60, "youth"), ("library", 30, ""), ("choir", 90, "culture"));
        // No RPC writes memos or such references yet: put them in the database, as later RPCs will.
        await UpdateJournalAsync(running, """
            UPDATE journal SET memo = 'shared, "with" friends' || char(13) || char(10) || 'line two' WHERE grain_id = 'volunteer/ana' AND sequence = 1;
            UPDATE journal SET reference = '=HYPERLINK("http://evil.example")' WHERE grain_id = 'volunteer/ana' AND sequence = 2;
            UPDATE journal SET memo = '@SUM(A1)', category = '+x' WHERE grain_id = 'volunteer/ana' AND sequence = 3;
            UPDATE journal SET debit_account = credit_account, credit_account = debit_account, memo = '-1+1' WHERE grain_id = 'volunteer/ana' AND sequence = 4;
            """);
        using var auditor = running.ClientWith(await KeyAsync(running.Client, "auditor", "riverside"));

        var statement = await auditor.GetStatementAsync(new GetStatementRequest { VolunteerId = "ana" });
        var chunks = await ExportAsync(auditor, new ExportStatementRequest { VolunteerId = "ana" });
        var csv = string.Concat(chunks);

        Assert.StartsWith(CsvHeader + "\r\n", csv, StringComparison.Ordinal);
        Assert.Contains("\"shared, \"\"with\"\" friends\r\nline two\"", csv, StringComparison.Ordinal);
        Assert.Contains(",\"'=HYPERLINK(\"\"http://evil.example\"\")\",", csv, StringComparison.Ordinal);
        Assert.Contains(",-5,", csv, StringComparison.Ordinal); // a debit: a number, not defused
        var rows = ParseCsv(csv);
        Assert.Equal(CsvHeader.Split(','), rows[0]);
        Assert.Equal(statement.Lines.Select(ExpectedRow), rows.Skip(1));
        Assert.Equal(["'@SUM(A1)", "'+x", "'-1+1"], [rows[4][8], rows[4][6], rows[3][8]]);
        Assert.Equal(-5, statement.Lines.Single(l => l.Sequence == 4).Amount);
    }

    [Fact]
    public async Task A_long_export_spans_several_pages_and_chunks_of_whole_lines_and_filters_like_the_statement()
    {
        await using var running = await RunningServer.StartAsync();
        await DepositsAsync(running.Client, "ana", Enumerable.Range(0, 260).Select(i => ($"act-{i}", 30L + (i % 60), i % 10 == 0 ? "youth" : "")).ToArray());

        var chunks = await ExportAsync(running.Client, new ExportStatementRequest { VolunteerId = "ana" });

        Assert.True(chunks.Count >= 2, $"{chunks.Count} chunk(s)");
        Assert.All(chunks, c => Assert.EndsWith("\r\n", c, StringComparison.Ordinal));
        var rows = ParseCsv(string.Concat(chunks)).Skip(1).ToList();
        Assert.Equal(Enumerable.Range(1, 520).Reverse().Select(i => $"volunteer/ana#{i}"), rows.Select(r => r[0]));

        var filter = new ExportStatementRequest { VolunteerId = "ana", Ledger = LedgerType.Hours, Category = "youth" };
        var youth = ParseCsv(string.Concat(await ExportAsync(running.Client, filter))).Skip(1).ToList();
        var statement = await running.Client.GetStatementAsync(new GetStatementRequest { VolunteerId = "ana", Ledger = LedgerType.Hours, Category = "youth", PageSize = 500 });
        Assert.Equal(26, youth.Count);
        Assert.Equal(statement.Lines.Select(ExpectedRow), youth);
    }

    [Fact]
    public async Task Keys_of_another_community_are_denied_and_unknown_volunteers_are_not_found_only_for_keys_that_see_everything()
    {
        await using var running = await RunningServer.StartAsync();
        await DepositsAsync(running.Client, "ana", ("park", 60, ""));
        using var hillsideApp = running.ClientWith(await KeyAsync(running.Client, "app", "hillside"));
        using var cityAuditor = running.ClientWith(await KeyAsync(running.Client, "auditor", "*"));

        foreach (var volunteer in new[] { "ana", "ghost" })
        {
            var denied = await Assert.ThrowsAsync<RpcException>(() => hillsideApp.GetStatementAsync(new GetStatementRequest { VolunteerId = volunteer }));
            Assert.Equal((StatusCode.PermissionDenied, "OUT_OF_SCOPE"), (denied.StatusCode, denied.Reason));
            var exportDenied = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(hillsideApp, new ExportStatementRequest { VolunteerId = volunteer }));
            Assert.Equal((StatusCode.PermissionDenied, "OUT_OF_SCOPE"), (exportDenied.StatusCode, exportDenied.Reason));
        }

        Assert.Equal(2, (await cityAuditor.GetStatementAsync(new GetStatementRequest { VolunteerId = "ana" })).Lines.Count);
        foreach (var client in new[] { running.Client, cityAuditor })
        {
            var missing = await Assert.ThrowsAsync<RpcException>(() => client.GetStatementAsync(new GetStatementRequest { VolunteerId = "ghost" }));
            Assert.Equal((StatusCode.NotFound, "VOLUNTEER_NOT_FOUND"), (missing.StatusCode, missing.Reason));
            var exportMissing = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(client, new ExportStatementRequest { VolunteerId = "ghost" }));
            Assert.Equal((StatusCode.NotFound, "VOLUNTEER_NOT_FOUND"), (exportMissing.StatusCode, exportMissing.Reason));
        }

        using var organizer = running.ClientWith(await KeyAsync(running.Client, "organizer", "riverside"));
        var role = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(organizer, new ExportStatementRequest { VolunteerId = "ana" }));
        Assert.Equal((StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED"), (role.StatusCode, role.Reason));
    }

    [Fact]
    public void The_csv_has_a_column_per_statement_line_field_in_order_and_names_enum_values_without_their_prefix()
    {
        Assert.Equal(StatementLine.Descriptor.Fields.InDeclarationOrder().Select(f => f.Name), StatementCsv.Header.TrimEnd().Split(','));
        Assert.Equal(CsvHeader + "\r\n", StatementCsv.Header);

        var csv = new StringBuilder();
        StatementCsv.AppendLine(csv, new StatementLine
        {
            TransferId = "volunteer/ana#9", Sequence = 9, RecordedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero).AddTicks(12_340)),
            Ledger = (LedgerType)99, Kind = TransferKind.PostPending, Code = TransferCode.Expiry, Memo = "\tcmd", Amount = -30, BalanceAfter = -5, PendingId = "volunteer/ana#8",
        });

        Assert.Equal("volunteer/ana#9,9,2026-12-01T09:30:00.001234Z,99,post_pending,expiry,,,'\tcmd,,,-30,-5,,volunteer/ana#8\r\n", csv.ToString());
    }

    [Fact]
    public void An_unspecified_filter_enum_reads_as_null_and_where_null_cannot_be_taken_it_passes_as_zero_for_the_grain_to_refuse()
    {
        var toQuery = MessageMapper.CommandFactory(GetStatementRequest.Descriptor, typeof(Grains.Volunteers.GetStatement), ["volunteer_id"]);
        var all = (Grains.Volunteers.GetStatement)toQuery(new GetStatementRequest { VolunteerId = "ana" }, null);
        var points = (Grains.Volunteers.GetStatement)toQuery(new GetStatementRequest { VolunteerId = "ana", Ledger = LedgerType.Points, Code = TransferCode.Gift }, null);

        Assert.Equal((null, null), (all.Ledger, all.Code));
        Assert.Equal((Ledger.LedgerKind.Points, Ledger.TransferCode.Gift), (points.Ledger, points.Code));
        var toRequired = MessageMapper.CommandFactory(GetStatementRequest.Descriptor, typeof(LedgerRequired), ["volunteer_id"]);
        var required = (LedgerRequired)toRequired(new GetStatementRequest { VolunteerId = "ana" }, null);
        Assert.Equal(0, (int)required.Ledger);
        Assert.False(System.Enum.IsDefined(required.Ledger)); // TransferHours refuses its code 0 this way: INVALID_TRANSFER_CODE
    }

    /// <summary>A query whose ledger cannot be "not given".</summary>
    private sealed record LedgerRequired(int PageSize, string PageToken, Ledger.LedgerKind Ledger, Ledger.TransferCode? Code, string Category, DateTimeOffset? FromTime, DateTimeOffset? ToTime);

    public static readonly TheoryData<string, string, string?> BadRequests = new()
    {
        { "volunteer_id empty", ErrorReasons.InvalidVolunteerId.Code, "volunteer_id" },
        { "volunteer_id of 100,000 characters", ErrorReasons.InvalidVolunteerId.Code, "volunteer_id" },
        { "page_size -1", ErrorReasons.InvalidPage.Code, null },
        { "page_size 501", ErrorReasons.InvalidPage.Code, null },
        { "garbage page_token", ErrorReasons.InvalidPage.Code, null },
        { "page_token of 100,000 characters", ErrorReasons.InvalidPage.Code, null },
        { "ledger 99", ErrorReasons.InvalidLedger.Code, "ledger" },
        { "code 1000", ErrorReasons.InvalidTransferCode.Code, "code" },
        { "category of 65 characters", ErrorReasons.InvalidCategoryFilter.Code, "category" },
        { "category with a newline", ErrorReasons.InvalidCategoryFilter.Code, "category" },
        { "from_time with negative nanos", ErrorReasons.InvalidTimestamp.Code, null },
        { "to_time past the year 9999", ErrorReasons.InvalidTimestamp.Code, null },
        { "from_time equal to to_time", ErrorReasons.InvalidTimeRange.Code, "from_time" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_requests_are_invalid_argument_with_their_reason_for_the_statement_and_its_export(string problem, string reason, string? field)
    {
        await using var running = await RunningServer.StartAsync();
        await DepositsAsync(running.Client, "ana", ("park", 60, ""));
        var request = new GetStatementRequest { VolunteerId = "ana" };
        var time = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        switch (problem)
        {
            case "volunteer_id empty": request.VolunteerId = ""; break;
            case "volunteer_id of 100,000 characters": request.VolunteerId = new string('a', 100_000); break;
            case "page_size -1": request.PageSize = -1; break;
            case "page_size 501": request.PageSize = 501; break;
            case "garbage page_token": request.PageToken = "garbage"; break;
            case "page_token of 100,000 characters": request.PageToken = new string('A', 100_000); break;
            case "ledger 99": request.Ledger = (LedgerType)99; break;
            case "code 1000": request.Code = (TransferCode)1000; break;
            case "category of 65 characters": request.Category = new string('a', 65); break;
            case "category with a newline": request.Category = "youth\n"; break;
            case "from_time with negative nanos": request.FromTime = new Timestamp { Seconds = time.Seconds, Nanos = -1 }; break;
            case "to_time past the year 9999": request.ToTime = new Timestamp { Seconds = 253_402_300_800 }; break;
            case "from_time equal to to_time": (request.FromTime, request.ToTime) = (time, time.Clone()); break;
            default: throw new ArgumentOutOfRangeException(nameof(problem), problem, "no such case");
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => running.Client.GetStatementAsync(request));

        Assert.Equal((StatusCode.InvalidArgument, reason), (error.StatusCode, error.Reason));
        Assert.True(error.Detail.Length < 300, error.Detail);
        Assert.Equal(field, error.FieldViolations.SingleOrDefault()?.Field);
        if (request.PageSize == 0 && request.PageToken.Length == 0)
        {
            // The same filters on the export: refused before any chunk.
            var export = new ExportStatementRequest
            {
                VolunteerId = request.VolunteerId, Ledger = request.Ledger, Code = request.Code, Category = request.Category, FromTime = request.FromTime, ToTime = request.ToTime,
            };
            var chunks = new List<string>();
            var exportError = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                await foreach (var chunk in running.Client.ExportStatementAsync(export, cancellationToken: TestContext.Current.CancellationToken))
                {
                    chunks.Add(chunk.Csv);
                }
            });
            Assert.Equal((StatusCode.InvalidArgument, reason), (exportError.StatusCode, exportError.Reason));
            Assert.Empty(chunks);
        }
    }

    /// <summary>What the export must say for a statement line: the text cells defused, the rest as documented.</summary>
    private static string[] ExpectedRow(StatementLine line)
    {
        static string Text(string value) => value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;
        return
        [
            Text(line.TransferId), line.Sequence.ToString(CultureInfo.InvariantCulture),
            line.RecordedAt.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
            SnakeCase(line.Ledger.ToString()), SnakeCase(line.Kind.ToString()), SnakeCase(line.Code.ToString()),
            Text(line.Category), Text(line.Reference), Text(line.Memo), Text(line.DebitAccount), Text(line.CreditAccount),
            line.Amount.ToString(CultureInfo.InvariantCulture), line.BalanceAfter.ToString(CultureInfo.InvariantCulture), Text(line.ActorKeyId), Text(line.PendingId),
        ];
    }

    private static string SnakeCase(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>RFC 4180, strictly: a quoted field is read to its closing quote (doubled quotes are one); CRLF ends a record.</summary>
    private static List<string[]> ParseCsv(string csv)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var at = 0;
        while (at < csv.Length)
        {
            if (csv[at] == '"')
            {
                at++;
                while (!(csv[at] == '"' && (at + 1 == csv.Length || csv[at + 1] != '"')))
                {
                    field.Append(csv[at]);
                    at += csv[at] == '"' ? 2 : 1;
                }

                at++;
                Assert.True(at == csv.Length || csv[at] is ',' or '\r', $"a quoted field ends at a separator (at {at})");
            }

            while (at < csv.Length && csv[at] is not (',' or '\r'))
            {
                Assert.NotEqual('"', csv[at]);
                Assert.NotEqual('\n', csv[at]);
                field.Append(csv[at++]);
            }

            fields.Add(field.ToString());
            field.Clear();
            if (at < csv.Length && csv[at] == ',')
            {
                at++;
                continue;
            }

            Assert.Equal("\r\n", csv.Substring(at, 2));
            at += 2;
            records.Add([.. fields]);
            fields.Clear();
        }

        Assert.Empty(fields);
        return records;
    }

    private static async Task<List<string>> ExportAsync(TimeBankClient client, ExportStatementRequest request)
    {
        var chunks = new List<string>();
        await foreach (var chunk in client.ExportStatementAsync(request, cancellationToken: TestContext.Current.CancellationToken))
        {
            chunks.Add(chunk.Csv);
        }

        return chunks;
    }

    private static async Task<List<DepositHoursResponse>> DepositsAsync(TimeBankClient admin, string volunteer, params (string Activity, long Minutes, string Category)[] deposits)
    {
        await admin.RegisterVolunteerAsync(new RegisterVolunteerRequest { RequestId = $"r-{volunteer}", VolunteerId = volunteer, DisplayName = volunteer, CommunityId = "riverside" });
        var receipts = new List<DepositHoursResponse>();
        foreach (var (activity, minutes, category) in deposits)
        {
            receipts.Add(await admin.DepositHoursAsync(new DepositHoursRequest
                { RequestId = Guid.NewGuid().ToString(), VolunteerId = volunteer, ActivityId = activity, Minutes = minutes, Category = category }));
        }

        return receipts;
    }

    private static async Task<string> KeyAsync(TimeBankClient admin, string role, string scope)
        => (await admin.CreateKeyAsync(new CreateKeyRequest { RequestId = Guid.NewGuid().ToString(), Role = role, Scope = scope, DisplayName = $"{role} of {scope}" })).Secret;

    /// <summary>Changes journal rows in the server's SQLite file, as someone with database access could.</summary>
    private static async Task UpdateJournalAsync(RunningServer running, string sql)
    {
        await using var file = new SqliteConnection($"Data Source={Path.Combine(running.DataDirectory, "timebank.db")};Pooling=False");
        await file.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = file.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(4, await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
    }
}
