using System.Text;
using TimeBank.Contracts.V1;
using TimeBank.Rpc;
using TimeBank.Runtime;
using TimeBank.Server.Api.Internal;

namespace TimeBank.Server.Api;

/// <summary>
/// <c>VolunteerService.ExportStatement</c>: the statement as CSV, streamed. It walks GetStatement's pages
/// through GetStatement's own binding (id check, scope of the volunteer's community, filters, errors), so the
/// export can differ from the statement only in format.
/// </summary>
internal sealed class StatementExport
{
    /// <summary>The largest page GetStatement serves: the fewest calls for a whole statement.</summary>
    private const int PageSize = 500;

    /// <summary>A chunk is sent once it holds this many characters (whole lines only, so it may hold one line more).</summary>
    private const int ChunkCharacters = 64 * 1024;

    private readonly Func<GetStatementRequest, CallInfo, Task<GetStatementResponse>> _getStatement;

    public StatementExport(IGrainFactory grains)
    {
        var getStatement = ApiPolicy.All.Single(p => p.Method.FullName == VolunteerServiceMethods.GetStatement.FullName);
        _getStatement = (Func<GetStatementRequest, CallInfo, Task<GetStatementResponse>>)GrainRpcBinder.Bind(getStatement, grains);
    }

    public async Task ExportAsync(ExportStatementRequest request, IServerStreamWriter<StatementCsvChunk> writer, CallInfo call)
    {
        var page = new GetStatementRequest
        {
            VolunteerId = request.VolunteerId,
            PageSize = PageSize,
            Ledger = request.Ledger,
            Code = request.Code,
            Category = request.Category,
            FromTime = request.FromTime,
            ToTime = request.ToTime,
        };

        // The first page comes before the header, so a refused request is an error with no chunk before it.
        var csv = new StringBuilder(StatementCsv.Header);
        do
        {
            call.Context.CancellationToken.ThrowIfCancellationRequested();
            var answer = await _getStatement(page, call);
            foreach (var line in answer.Lines)
            {
                StatementCsv.AppendLine(csv, line);
                if (csv.Length >= ChunkCharacters)
                {
                    await writer.WriteAsync(new StatementCsvChunk { Csv = csv.ToString() }, call.Context.CancellationToken);
                    csv.Clear();
                }
            }

            page.PageToken = answer.NextPageToken;
        }
        while (page.PageToken.Length > 0);

        if (csv.Length > 0)
        {
            await writer.WriteAsync(new StatementCsvChunk { Csv = csv.ToString() }, call.Context.CancellationToken);
        }
    }
}
