using System.Globalization;

namespace TimeBank.Grains.Reports;

/// <summary>
/// The periods reports count by, in UTC: months (<c>2026-12</c>), years (<c>2026</c>) and all time (<c>*</c>).
/// As strings they sort in time order, so a range of months is a range of keys.
/// </summary>
public static class Periods
{
    public const string AllTime = "*";

    /// <summary>Before every month: the start of an all-time range.</summary>
    public const string FirstMonth = "0000-01";

    /// <summary>After every month: the end of an all-time range.</summary>
    public const string LastMonth = "9999-12";

    public static string Month(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string Year(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy", CultureInfo.InvariantCulture);

    /// <summary>Parses <c>YYYY-MM</c> (year 1-9999, month 01-12); null when it is not one.</summary>
    public static DateOnly? ParseMonth(string value)
        => value.Length == 7 && DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
            ? month
            : null;

    public static string Month(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
