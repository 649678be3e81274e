using TimeBank.Rpc.Internal;

namespace TimeBank.Rpc.Tests.Protocol;

public sealed class PercentEncodingTests
{
    [Theory]
    [InlineData("")]
    [InlineData("Deadline Exceeded")]
    [InlineData(" !\"#$&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~")]
    public void Printable_ASCII_other_than_percent_passes_unchanged(string text)
    {
        Assert.Equal(text, PercentEncoding.Encode(text));
        Assert.Equal(text, PercentEncoding.Decode(text));
    }

    [Theory]
    [InlineData("100%", "100%25")]
    [InlineData("时间银行 100%", "%E6%97%B6%E9%97%B4%E9%93%B6%E8%A1%8C 100%25")]
    [InlineData("line\nbreak\ttab", "line%0Abreak%09tab")]
    [InlineData("del\u007f", "del%7F")]
    [InlineData("😀", "%F0%9F%98%80")]
    public void Percent_controls_and_non_ASCII_are_written_as_UTF8_escapes(string text, string expected)
        => Assert.Equal(expected, PercentEncoding.Encode(text));

    [Theory]
    [InlineData("时间银行 100%")]
    [InlineData("100%25 is not an escape here")]
    [InlineData("😀 émoji and ascii")]
    [InlineData("%")]
    [InlineData("\r\n")]
    public void Encoded_text_decodes_to_the_original(string text)
    {
        var encoded = PercentEncoding.Encode(text);

        Assert.All(encoded, c => Assert.InRange(c, ' ', '~'));
        Assert.Equal(text, PercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("%G1")]
    [InlineData("100%")]
    [InlineData("%4")]
    [InlineData("50% off")]
    [InlineData("%%")]
    public void Malformed_escapes_are_kept_as_written(string text)
        => Assert.Equal(text, PercentEncoding.Decode(text));

    [Fact]
    public void A_malformed_escape_does_not_stop_the_good_ones_around_it()
        => Assert.Equal("é %G1 é", PercentEncoding.Decode("%C3%A9 %G1 %C3%A9"));

    [Fact]
    public void Lower_case_hex_digits_are_accepted()
        => Assert.Equal("é", PercentEncoding.Decode("%c3%a9"));

    [Fact]
    public void Unescaped_text_next_to_a_malformed_escape_is_kept_as_written_even_outside_the_BMP()
        => Assert.Equal("😀 %G1 时间", PercentEncoding.Decode("😀 %G1 时间"));

    [Fact]
    public void Escapes_that_are_not_UTF8_do_not_throw_or_lose_the_rest_of_the_message()
    {
        var decoded = PercentEncoding.Decode("bad %FF byte");

        Assert.StartsWith("bad ", decoded, StringComparison.Ordinal);
        Assert.EndsWith(" byte", decoded, StringComparison.Ordinal);
    }
}
