namespace TimeBank.Server.Tests;

/// <summary>
/// A moment shortly before now for an offline sale, against a server on the real clock: a store opened in this test
/// has no day before today (UTC), so just after midnight "half an hour ago" would be a day the store never had.
/// </summary>
internal static class EarlierToday
{
    /// <summary><paramref name="ago"/> before now, but not before today's midnight (UTC).</summary>
    public static DateTimeOffset By(TimeSpan ago)
    {
        var now = DateTimeOffset.UtcNow;
        var midnight = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        return now - ago < midnight ? midnight : now - ago;
    }
}
