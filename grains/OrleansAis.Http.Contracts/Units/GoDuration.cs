using System.Globalization;

// Like OaisErrorCode, the parsers live in this dependency-free assembly so that the CLI and the loader share them with
// the grains and the silo without pulling in Orleans; the namespace is the grains' own.
namespace OrleansAis.Units;

/// <summary>
/// The one duration syntax of the project: ETL specs (<c>init_timeout</c>, <c>obj_timeout</c>), the CLI's
/// <c>--timeout</c> and the loader's <c>--duration</c>, <c>--timeout</c> and <c>--stats-interval</c>.
/// <list type="bullet">
/// <item>Go's <c>time.ParseDuration</c>: one or more number-and-unit terms, summed, with no spaces between them:
/// <c>300ms</c>, <c>45s</c>, <c>2m30s</c>, <c>1.5h</c>, <c>1h0m0.5s</c>. Units are <c>ns</c>, <c>us</c> (or <c>µs</c>),
/// <c>ms</c>, <c>s</c>, <c>m</c> (minutes) and <c>h</c>, in any letter case (<c>30S</c> is <c>30s</c>).
/// Numbers may have a fraction (<c>1.5h</c>, <c>.5s</c>).</item>
/// <item>A bare number is seconds: <c>90</c>, <c>2.5</c>, <c>1e3</c> (AIStore's CLI and the ETL spec accept this).</item>
/// <item>Zero (<c>0</c>, <c>0s</c>) is a duration; <see cref="ParsePositive"/> is for the callers that need more.</item>
/// </list>
/// Empty text, unknown units, negative values and values beyond <see cref="TimeSpan.MaxValue"/> are a
/// <see cref="FormatException"/> whose message quotes the text. The resolution is <see cref="TimeSpan"/>'s 100 ns tick:
/// a duration is rounded to the nearest tick.
/// </summary>
public static class GoDuration
{
    public const string Examples = "examples: 45s, 2m30s, 1.5h, 300ms; a bare number is seconds";

    private static readonly (string Unit, decimal Ticks)[] Units =
    [
        ("ns", 0.01m), ("us", TimeSpan.TicksPerMicrosecond), ("µs", TimeSpan.TicksPerMicrosecond), ("μs", TimeSpan.TicksPerMicrosecond),
        ("ms", TimeSpan.TicksPerMillisecond), ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    /// <summary>A duration of zero or more.</summary>
    /// <exception cref="FormatException">The text is not a duration; the message says why and quotes it.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0) throw Invalid(text, "it is empty");
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)) return FromSeconds(text, seconds);

        var negative = trimmed[0] == '-';
        var i = trimmed[0] is '-' or '+' ? 1 : 0;
        if (i == trimmed.Length) throw Invalid(text, "there is no number");
        var ticks = 0m;
        while (i < trimmed.Length)
        {
            var start = i;
            while (i < trimmed.Length && (char.IsAsciiDigit(trimmed[i]) || trimmed[i] == '.')) i++;
            var number = trimmed[start..i];
            if (!number.Any(char.IsAsciiDigit)) throw Invalid(text, $"'{trimmed[start..]}' does not start with a number");
            if (number.Count(c => c == '.') > 1) throw Invalid(text, $"'{number}' is not a number");
            var unitStart = i;
            while (i < trimmed.Length && !char.IsAsciiDigit(trimmed[i]) && trimmed[i] != '.') i++;
            var unit = trimmed[unitStart..i];
            if (unit.Length == 0) throw Invalid(text, $"'{number}' has no unit (ns, us, ms, s, m, h)");
            var perUnit = TicksPer(unit) ?? throw Invalid(text, $"'{unit}' is not a unit (ns, us, ms, s, m, h)");
            if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) throw TooLarge(text);
            try
            {
                ticks += value * perUnit;
            }
            catch (OverflowException)
            {
                throw TooLarge(text);
            }
            if (ticks > TimeSpan.MaxValue.Ticks) throw TooLarge(text);
        }
        var rounded = (long)decimal.Round(ticks, MidpointRounding.AwayFromZero);
        if (negative && rounded != 0) throw Invalid(text, "it is negative");
        return TimeSpan.FromTicks(rounded);
    }

    /// <summary>A duration of more than zero.</summary>
    /// <exception cref="FormatException">The text is not a duration, or it is zero.</exception>
    public static TimeSpan ParsePositive(string text)
    {
        var duration = Parse(text);
        return duration > TimeSpan.Zero ? duration : throw Invalid(text, "it must be more than zero");
    }

    private static TimeSpan FromSeconds(string text, double seconds)
    {
        if (double.IsNaN(seconds)) throw Invalid(text, "it is not a number");
        if (seconds < 0) throw Invalid(text, "it is negative");
        var ticks = seconds * TimeSpan.TicksPerSecond;
        // long.MaxValue as a double rounds up to 2^63, so >= keeps the cast below in range.
        if (ticks >= long.MaxValue) throw TooLarge(text);
        return TimeSpan.FromTicks((long)Math.Round(ticks, MidpointRounding.AwayFromZero));
    }

    private static decimal? TicksPer(string unit)
    {
        foreach (var (name, ticks) in Units)
            if (string.Equals(name, unit, StringComparison.OrdinalIgnoreCase)) return ticks;
        return null;
    }

    private static FormatException Invalid(string text, string why) => new($"'{text}' is not a duration: {why} ({Examples})");

    private static FormatException TooLarge(string text) =>
        new($"'{text}' is not a duration: it is longer than the longest one, {TimeSpan.MaxValue.TotalDays:0} days");
}
