using TimeBank.Ledger;

namespace TimeBank.Ledger.Tests;

public sealed class AmountsTests
{
    [Theory]
    [InlineData(60, 10, 10)]
    [InlineData(90, 10, 15)]
    [InlineData(5, 10, 0)] // 0.83 points rounds down: points are never invented
    [InlineData(1440, 10_000, 240_000)]
    [InlineData(45, 0, 0)]
    public void Points_are_minutes_times_rate_per_hour_rounded_down(long minutes, long rate, long expected)
        => Assert.Equal(expected, Amounts.PointsForMinutes(minutes, rate));

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(1441, 10)]
    [InlineData(60, -1)]
    [InlineData(60, 10_001)]
    public void Points_refuse_out_of_range_inputs(long minutes, long rate)
        => Assert.Throws<ArgumentOutOfRangeException>(() => Amounts.PointsForMinutes(minutes, rate));
}
