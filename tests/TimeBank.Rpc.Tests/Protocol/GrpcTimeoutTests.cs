using TimeBank.Rpc.Internal;

namespace TimeBank.Rpc.Tests.Protocol;

public sealed class GrpcTimeoutTests
{
    public static TheoryData<string, TimeSpan> EveryUnit => new()
    {
        { "2H", TimeSpan.FromHours(2) },
        { "3M", TimeSpan.FromMinutes(3) },
        { "4S", TimeSpan.FromSeconds(4) },
        { "250m", TimeSpan.FromMilliseconds(250) },
        { "1500u", TimeSpan.FromMicroseconds(1500) },
        { "300n", TimeSpan.FromTicks(3) },
        { "0S", TimeSpan.Zero },
    };

    [Theory]
    [MemberData(nameof(EveryUnit))]
    public void Every_unit_of_the_spec_is_understood(string header, TimeSpan expected)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(expected, timeout);
    }

    [Fact]
    public void A_nanosecond_timeout_rounds_up_rather_than_to_zero()
    {
        // A deadline of zero would fail a call the caller gave (a little) time to.
        Assert.True(GrpcTimeout.TryParse("1n", out var timeout));
        Assert.Equal(TimeSpan.FromTicks(1), timeout);
    }

    [Fact]
    public void Eight_digits_are_allowed()
    {
        Assert.True(GrpcTimeout.TryParse("99999999m", out var timeout));
        Assert.Equal(TimeSpan.FromMilliseconds(99_999_999), timeout);
    }

    [Theory]
    [InlineData("100000000m")]
    [InlineData("000000001S")] // still nine digits, even if they are zeros
    public void Nine_digits_are_rejected(string header)
        => Assert.False(GrpcTimeout.TryParse(header, out _));

    [Theory]
    [InlineData("100")] // no unit
    [InlineData("S")] // no digits
    [InlineData("10s")] // units are case-sensitive: 's' is not one
    [InlineData("10h")]
    [InlineData("10x")]
    [InlineData("-5S")]
    [InlineData("+5S")]
    [InlineData("1.5S")]
    [InlineData(" 5S")]
    [InlineData("5S ")]
    [InlineData("5 S")]
    [InlineData("٣S")] // a digit, but not an ASCII one
    [InlineData("")]
    [InlineData(null)]
    public void Malformed_values_are_rejected(string? header)
        => Assert.False(GrpcTimeout.TryParse(header, out _));

    [Theory]
    [InlineData("99999999H")]
    [InlineData("99999999M")]
    [InlineData("99999999S")]
    [InlineData("720H")]
    public void Huge_values_clamp_to_the_maximum(string header)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(GrpcTimeout.Max, timeout);
    }

    [Fact]
    public void Values_just_under_the_maximum_are_kept()
    {
        Assert.True(GrpcTimeout.TryParse("719H", out var timeout));
        Assert.Equal(TimeSpan.FromHours(719), timeout);
    }

    [Theory]
    [InlineData(200, "200m")]
    [InlineData(1, "1m")]
    [InlineData(99_999_999, "99999999m")]
    [InlineData(100_000_000, "100000S")]
    public void Timeouts_format_as_milliseconds_while_they_fit_in_eight_digits(long milliseconds, string expected)
        => Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void Fractions_of_a_millisecond_round_up()
        => Assert.Equal("2m", GrpcTimeout.Format(TimeSpan.FromMicroseconds(1001)));

    [Fact]
    public void A_timeout_already_spent_formats_as_the_shortest_one()
    {
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.Zero));
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.FromSeconds(-3)));
    }

    [Fact]
    public void The_longest_timeout_still_formats_to_eight_digits()
    {
        var header = GrpcTimeout.Format(TimeSpan.MaxValue);

        Assert.Equal("99999999S", header);
        Assert.True(GrpcTimeout.TryParse(header, out _));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10_000)] // 1 ms
    [InlineData(2_000_001)]
    [InlineData(36_000_000_000)] // 1 hour
    [InlineData(9_000_000_000_000)] // 10+ days: formatted in seconds
    public void A_formatted_timeout_parses_back_to_no_less_than_it_was(long ticks)
    {
        var original = TimeSpan.FromTicks(ticks);

        Assert.True(GrpcTimeout.TryParse(GrpcTimeout.Format(original), out var parsed));

        Assert.InRange(parsed, original, original + TimeSpan.FromSeconds(1));
    }
}
