namespace TimeBank.Storage;

/// <summary>
/// Journal times are kept to the microsecond (PostgreSQL's precision), as microseconds since the Unix epoch.
/// Writers truncate to it first, so what a caller is told equals what a replay reads back.
/// </summary>
public static class UnixMicroseconds
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    public static long From(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;

    public static DateTimeOffset To(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * TicksPerMicrosecond);

    public static DateTimeOffset Truncate(DateTimeOffset time) => To(From(time));
}
