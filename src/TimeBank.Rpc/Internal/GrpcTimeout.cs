using System.Globalization;

namespace TimeBank.Rpc.Internal;

/// <summary>
/// The <c>grpc-timeout</c> header: at most 8 digits and a unit, H M S m u n (hours ... nanoseconds).
/// </summary>
internal static class GrpcTimeout
{
    /// <summary>Longest timeout honoured; longer ones (up to 99,999,999 hours) are treated as this.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(30);

    public static bool TryParse(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (string.IsNullOrEmpty(value) || value.Length < 2 || value.Length > 9)
        {
            return false;
        }

        var digits = value.AsSpan(0, value.Length - 1);
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        var amount = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        double ticks = value[^1] switch
        {
            'H' => amount * (double)TimeSpan.TicksPerHour,
            'M' => amount * (double)TimeSpan.TicksPerMinute,
            'S' => amount * (double)TimeSpan.TicksPerSecond,
            'm' => amount * (double)TimeSpan.TicksPerMillisecond,
            'u' => amount * (TimeSpan.TicksPerMillisecond / 1000.0),
            'n' => amount / 100.0,
            _ => -1,
        };
        if (ticks < 0)
        {
            return false;
        }

        timeout = ticks >= Max.Ticks ? Max : TimeSpan.FromTicks((long)Math.Ceiling(ticks));
        return true;
    }

    /// <summary>Formats a timeout for the header, rounding up to whole milliseconds (or seconds when long).</summary>
    public static string Format(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return "1n";
        }

        var milliseconds = (long)Math.Ceiling(timeout.TotalMilliseconds);
        return milliseconds < 100_000_000
            ? milliseconds.ToString(CultureInfo.InvariantCulture) + "m"
            : Math.Min((long)Math.Ceiling(timeout.TotalSeconds), 99_999_999).ToString(CultureInfo.InvariantCulture) + "S";
    }
}
