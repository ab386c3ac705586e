using OrleansAis.Units;

namespace OrleansAis.Tests.Units;

/// <summary>The one size syntax: Kubernetes' binary (Ki...) and decimal (K...) suffixes, their B spellings, and clear refusals.</summary>
[Trait("Category", "Fast")]
public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("512", 512)]
    [InlineData("512B", 512)]
    [InlineData("0", 0)]
    [InlineData("1Ki", 1L << 10)]
    [InlineData("1Mi", 1L << 20)]
    [InlineData("1Gi", 1L << 30)]
    [InlineData("1Ti", 1L << 40)]
    [InlineData("4KiB", 4L << 10)]
    [InlineData("1MiB", 1L << 20)]
    [InlineData("2GiB", 2L << 30)]
    [InlineData("1TiB", 1L << 40)]
    [InlineData("1k", 1_000)]
    [InlineData("1K", 1_000)]
    [InlineData("1M", 1_000_000)]
    [InlineData("1G", 1_000_000_000)]
    [InlineData("1T", 1_000_000_000_000)]
    [InlineData("1KB", 1_000)]
    [InlineData("10MB", 10_000_000)]
    [InlineData("1GB", 1_000_000_000)]
    [InlineData("1TB", 1_000_000_000_000)]
    public void Each_unit(string text, long bytes) => Assert.Equal(bytes, ByteSize.Parse(text));

    [Theory]
    [InlineData("4kib", 4L << 10)]
    [InlineData("1mi", 1L << 20)]
    [InlineData("1m", 1_000_000)] // mega: there are no fractional bytes, so no milli
    [InlineData("1gb", 1_000_000_000)]
    [InlineData("512b", 512)]
    public void Suffixes_ignore_case(string text, long bytes) => Assert.Equal(bytes, ByteSize.Parse(text));

    [Theory]
    [InlineData("1.5Gi", 3L << 29)]
    [InlineData("0.5Ki", 512)]
    [InlineData("1.5K", 1_500)]
    [InlineData(".5M", 500_000)]
    [InlineData("1.0005K", 1_001)] // rounded to the nearest byte
    [InlineData("1.0004K", 1_000)]
    [InlineData("0.4", 0)]
    public void Fractions_round_to_the_nearest_byte(string text, long bytes) => Assert.Equal(bytes, ByteSize.Parse(text));

    [Theory]
    [InlineData(" 4 KiB ", 4L << 10)]
    [InlineData("1,024", 1_024)]
    [InlineData("+5Mi", 5L << 20)]
    public void Spaces_separators_and_a_plus_sign(string text, long bytes) => Assert.Equal(bytes, ByteSize.Parse(text));

    [Fact]
    public void The_largest_size_parses() => Assert.Equal(long.MaxValue, ByteSize.Parse("9223372036854775807"));

    [Theory]
    [InlineData("-1")]
    [InlineData("-1Ki")]
    [InlineData("-0.5G")]
    public void Negative_sizes_are_refused(string text) => AssertRefused(text, "negative");

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Empty_text_is_refused(string text) => AssertRefused(text, "empty");

    [Theory]
    [InlineData("big", "'big' is not a size suffix")]
    [InlineData("5x", "'x' is not a size suffix")]
    [InlineData("1Pi", "'Pi' is not a size suffix")]
    [InlineData("1KiBB", "'KiBB' is not a size suffix")]
    [InlineData("Mi", "no number")]
    [InlineData("1.2.3Mi", "'1.2.3' is not a number")]
    [InlineData("1e3", "'1e3' is not a number")]
    [InlineData("1 2Mi", "'1 2' is not a number")]
    [InlineData("0x10", "'0x10' is not a number")]
    public void Junk_is_refused_saying_why(string text, string why) => AssertRefused(text, why);

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("8388608Ti")]
    [InlineData("9223372036854775807K")]
    [InlineData("99999999999999999999999999999999999")]
    [InlineData("79228162514264337593543950335Ti")] // decimal.MaxValue times a factor
    public void Overflow_is_refused(string text) => AssertRefused(text, "more than");

    private static void AssertRefused(string text, string why)
    {
        var e = Assert.Throws<FormatException>(() => ByteSize.Parse(text));
        Assert.Contains($"'{text}'", e.Message);
        Assert.Contains(why, e.Message);
    }
}
