using System.Buffers;
using System.Globalization;
using System.Text;

namespace TimeBank.Server.Api;

/// <summary>
/// CSV fields as exports write them (RFC 4180: comma separated, CRLF line ends, a field holding a comma, quote,
/// CR or LF quoted with its quotes doubled). Text that a spreadsheet would run as a formula (starting with = + -
/// @, tab or CR) gets a leading single quote: text may be a caller's, and an export is opened by people. Numbers
/// are written as numbers and never prefixed, so a debit stays -60.
/// </summary>
internal static class Csv
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    public static StringBuilder Number(StringBuilder csv, long value) => csv.Append(value.ToString(CultureInfo.InvariantCulture));

    public static StringBuilder Text(StringBuilder csv, string value)
    {
        var formula = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        if (value.AsSpan().IndexOfAny(NeedsQuotes) < 0)
        {
            return (formula ? csv.Append('\'') : csv).Append(value);
        }

        csv.Append('"');
        if (formula)
        {
            csv.Append('\'');
        }

        return csv.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
