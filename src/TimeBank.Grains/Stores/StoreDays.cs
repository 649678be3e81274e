using System.Globalization;

namespace TimeBank.Grains.Stores;

/// <summary>
/// Store days and the ids built on them. A store day is a calendar date in the store's local time
/// (<c>yyyy-MM-dd</c>); a receipt id is the day it counts on and the store's receipt number
/// (<c>20261207-42</c>), so the id alone finds the day's book that keeps it.
/// </summary>
internal static class StoreDays
{
    public const string Format = "yyyy-MM-dd";

    public static string DayOf(DateTimeOffset at, int utcOffsetMinutes)
        => at.ToOffset(TimeSpan.FromMinutes(utcOffsetMinutes)).ToString(Format, CultureInfo.InvariantCulture);

    public static bool TryParse(string? value, out DateOnly day)
        => DateOnly.TryParseExact(value, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    public static string ToText(DateOnly day) => day.ToString(Format, CultureInfo.InvariantCulture);

    public static string Next(string day) => ToText(DateOnly.ParseExact(day, Format, CultureInfo.InvariantCulture).AddDays(1));

    public static string ReceiptId(string day, long number) => $"{day.Replace("-", "", StringComparison.Ordinal)}-{number}";

    /// <summary>The day and number a receipt id names, or false when it names none.</summary>
    public static bool TryParseReceiptId(string? receiptId, out string day, out long number)
    {
        day = "";
        number = 0;
        if (receiptId is not { Length: >= 10 and <= 30 } || receiptId[8] != '-'
            || !DateOnly.TryParseExact(receiptId[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            || !long.TryParse(receiptId.AsSpan(9), NumberStyles.None, CultureInfo.InvariantCulture, out number) || number <= 0
            || receiptId != ReceiptId(ToText(date), number))
        {
            return false;
        }

        day = ToText(date);
        return true;
    }

    /// <summary>The day of a receipt id known to be well formed.</summary>
    public static string DayOfReceipt(string receiptId)
        => TryParseReceiptId(receiptId, out var day, out _) ? day : throw new ArgumentException($"'{receiptId}' is not a receipt id.", nameof(receiptId));

    /// <summary>The number of a receipt id known to be well formed.</summary>
    public static long NumberOfReceipt(string receiptId)
        => TryParseReceiptId(receiptId, out _, out var number) ? number : throw new ArgumentException($"'{receiptId}' is not a receipt id.", nameof(receiptId));

    /// <summary>The key of a store day's book grain.</summary>
    public static string BookKey(string storeId, string day) => $"{storeId}@{day}";
}
