using OrleansAis.Units;

namespace OrleansAis.Tests.Units;

/// <summary>The one duration syntax: Go's units and compounds, a bare number as seconds, and clear refusals.</summary>
[Trait("Category", "Fast")]
public sealed class GoDurationTests
{
    [Theory]
    [InlineData("300ns", 3)]
    [InlineData("1ns", 0)] // below the 100 ns tick: rounds to the nearest
    [InlineData("150ns", 2)]
    [InlineData("5us", 50)]
    [InlineData("5µs", 50)] // micro sign
    [InlineData("5μs", 50)] // Greek mu, as Go also accepts
    [InlineData("300ms", 300 * TimeSpan.TicksPerMillisecond)]
    [InlineData("45s", 45 * TimeSpan.TicksPerSecond)]
    [InlineData("5m", 5 * TimeSpan.TicksPerMinute)]
    [InlineData("2h", 2 * TimeSpan.TicksPerHour)]
    public void Each_unit(string text, long ticks) => Assert.Equal(TimeSpan.FromTicks(ticks), GoDuration.Parse(text));

    [Theory]
    [InlineData("1.5h", 90 * TimeSpan.TicksPerMinute)]
    [InlineData(".5s", 500 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1.s", TimeSpan.TicksPerSecond)]
    [InlineData("0.25ms", 2500)]
    [InlineData("2.5m", 150 * TimeSpan.TicksPerSecond)]
    public void Fractions(string text, long ticks) => Assert.Equal(TimeSpan.FromTicks(ticks), GoDuration.Parse(text));

    [Theory]
    [InlineData("2m30s", 150_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1h0m0.5s", 3_600_500)]
    [InlineData("1m500ms", 60_500)]
    [InlineData("1s1s", 2_000)] // Go sums repeated units too
    public void Compound_durations_add_up(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), GoDuration.Parse(text));

    [Theory]
    [InlineData("90", 90_000)]
    [InlineData("2.5", 2_500)]
    [InlineData("1e3", 1_000_000)]
    [InlineData("+5", 5_000)]
    [InlineData(" 45s ", 45_000)]
    [InlineData("30S", 30_000)] // units in any case (the loader always took them so)
    [InlineData("1H30M", 5_400_000)]
    [InlineData("500MS", 500)]
    public void Bare_numbers_are_seconds_and_units_ignore_case(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), GoDuration.Parse(text));

    [Theory]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("0h0m")]
    [InlineData("-0s")]
    public void Zero_is_a_duration_but_not_a_positive_one(string text)
    {
        Assert.Equal(TimeSpan.Zero, GoDuration.Parse(text));
        Assert.Contains("more than zero", Assert.Throws<FormatException>(() => GoDuration.ParsePositive(text)).Message);
    }

    [Fact]
    public void ParsePositive_passes_positive_durations() => Assert.Equal(TimeSpan.FromSeconds(45), GoDuration.ParsePositive("45s"));

    [Theory]
    [InlineData("-5")]
    [InlineData("-5s")]
    [InlineData("-1m30s")]
    [InlineData("-Infinity")]
    public void Negative_durations_are_refused(string text) => AssertRefused(text, "negative");

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_text_is_refused(string text) => AssertRefused(text, "empty");

    [Theory]
    [InlineData("soon", "does not start with a number")]
    [InlineData("m5", "does not start with a number")]
    [InlineData("5x", "'x' is not a unit")]
    [InlineData("2w", "'w' is not a unit")] // no days or weeks, as in Go
    [InlineData("5d", "'d' is not a unit")]
    [InlineData("1m30", "'30' has no unit")]
    [InlineData("5m junk", "'m junk' is not a unit")]
    [InlineData("1m 30s", "not a unit")]
    [InlineData("1.2.3s", "'1.2.3' is not a number")]
    [InlineData(".s", "does not start with a number")]
    [InlineData("-", "no number")]
    [InlineData("NaN", "not a number")]
    [InlineData("1,000s", "not a unit")]
    public void Junk_is_refused_saying_why(string text, string why) => AssertRefused(text, why);

    [Theory]
    [InlineData("256204779h")] // just over TimeSpan.MaxValue (about 256204778.8 h)
    [InlineData("9223372036854775807s")]
    [InlineData("99999999999999999999999999999999999h")] // more digits than a decimal holds
    [InlineData("1e300")]
    [InlineData("Infinity")]
    [InlineData("256204778h1h")]
    public void Overflow_is_refused(string text)
    {
        var e = Assert.Throws<FormatException>(() => GoDuration.Parse(text));
        Assert.Contains($"'{text}'", e.Message);
        Assert.Contains("longer than", e.Message);
    }

    [Fact]
    public void Durations_up_to_the_largest_parse() => Assert.Equal(TimeSpan.FromHours(256204778), GoDuration.Parse("256204778h"));

    private static void AssertRefused(string text, string why)
    {
        var e = Assert.Throws<FormatException>(() => GoDuration.Parse(text));
        Assert.Contains($"'{text}'", e.Message);
        Assert.Contains(why, e.Message);
    }
}
