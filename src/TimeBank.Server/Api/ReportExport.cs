using System.Text;
using TimeBank.Contracts.V1;
using TimeBank.Rpc;
using TimeBank.Runtime;
using TimeBank.Server.Api.Internal;
using static TimeBank.Server.Api.Csv;

namespace TimeBank.Server.Api;

/// <summary>
/// <c>CommunityService.ExportReport</c>: GetTotals as CSV, streamed. It reads the totals through GetTotals' own
/// binding (key, scope, month checks, errors), so the export differs from GetTotals only in format. One line per
/// figure that is not zero: <c>month,category,figure,unit,value</c>.
/// </summary>
internal sealed class ReportExport
{
    public const string Header = "month,category,figure,unit,value\r\n";

    /// <summary>The month column of a line that sums the whole range (never a month, YYYY-MM).</summary>
    public const string AllMonths = "all";

    /// <summary>The category column of a line that sums every category (never a category: those are a-z 0-9 -), so
    /// it is not mistaken for the empty category (no category).</summary>
    public const string AllCategories = "*";

    /// <summary>A chunk is sent once it holds this many characters (whole lines only).</summary>
    private const int ChunkCharacters = 64 * 1024;

    private readonly Func<GetTotalsRequest, CallInfo, Task<CommunityTotals>> _getTotals;

    public ReportExport(IGrainFactory grains)
    {
        var getTotals = ApiPolicy.All.Single(p => p.Method.FullName == CommunityServiceMethods.GetTotals.FullName);
        _getTotals = (Func<GetTotalsRequest, CallInfo, Task<CommunityTotals>>)GrainRpcBinder.Bind(getTotals, grains);
    }

    public async Task ExportAsync(ExportReportRequest request, IServerStreamWriter<ReportCsvChunk> writer, CallInfo call)
    {
        // Read before the header: a refused request is an error with no chunk before it.
        var totals = await _getTotals(new GetTotalsRequest { CommunityId = request.CommunityId, FromMonth = request.FromMonth, ToMonth = request.ToMonth }, call);
        var csv = new StringBuilder(Header);
        var lines = new List<(string Month, string Category, ReportFigures Figures)> { (AllMonths, AllCategories, totals.Total) };
        lines.AddRange(totals.ByCategory.Select(c => (AllMonths, c.Category, c.Figures)));
        lines.AddRange(totals.ByMonth.Select(m => (m.Month, AllCategories, m.Figures)));
        lines.AddRange(totals.Cells.Select(c => (c.Month, c.Category, c.Figures)));
        foreach (var (month, category, figures) in lines)
        {
            AppendFigures(csv, month, category, figures);
            if (csv.Length >= ChunkCharacters)
            {
                await writer.WriteAsync(new ReportCsvChunk { Csv = csv.ToString() }, call.Context.CancellationToken);
                csv.Clear();
            }
        }

        await writer.WriteAsync(new ReportCsvChunk { Csv = csv.ToString() }, call.Context.CancellationToken);
    }

    /// <summary>Every figure of <paramref name="figures"/> that is not zero, one line each, named as the proto names the field.</summary>
    internal static void AppendFigures(StringBuilder csv, string month, string category, ReportFigures figures)
    {
        foreach (var field in ReportFigures.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.FieldNumber == ReportFigures.MoneyFieldNumber)
            {
                continue;
            }

            var value = (long)field.Accessor.GetValue(figures);
            if (value != 0)
            {
                Line(csv, month, category, field.Name, Unit(field.Name), value);
            }
        }

        foreach (var money in figures.Money)
        {
            foreach (var (name, value) in new[] { ("money_donated", money.Donated), ("money_reserved", money.Reserved), ("money_released", money.Released), ("money_paid_out", money.PaidOut) })
            {
                if (value != 0)
                {
                    Line(csv, month, category, name, money.Currency, value);
                }
            }
        }
    }

    private static string Unit(string figure)
        => figure.StartsWith("minutes_", StringComparison.Ordinal) ? "minutes" : figure.StartsWith("points_", StringComparison.Ordinal) ? "points" : "count";

    private static void Line(StringBuilder csv, string month, string category, string figure, string unit, long value)
    {
        Text(csv, month).Append(',');
        Text(csv, category).Append(',');
        csv.Append(figure).Append(',');
        Text(csv, unit).Append(',');
        Number(csv, value).Append("\r\n");
    }
}
