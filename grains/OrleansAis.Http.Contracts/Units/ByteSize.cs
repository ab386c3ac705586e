using System.Globalization;

// Like OaisErrorCode, the parsers live in this dependency-free assembly so that the CLI and the loader share them with
// the grains and the silo without pulling in Orleans; the namespace is the grains' own.
namespace OrleansAis.Units;

/// <summary>
/// The one size syntax of the project: ETL specs (<c>resources.memory</c>) and the loader's <c>--size</c>,
/// <c>--min-size</c> and <c>--max-size</c>. Suffixes mean what they mean in Kubernetes quantities:
/// <list type="bullet">
/// <item><c>Ki</c>, <c>Mi</c>, <c>Gi</c>, <c>Ti</c> (also written <c>KiB</c>, <c>MiB</c>, <c>GiB</c>, <c>TiB</c>) are
/// powers of 1024: <c>1Gi</c> = 2^30 bytes.</item>
/// <item><c>k</c>/<c>K</c>, <c>M</c>, <c>G</c>, <c>T</c> (also written <c>KB</c>, <c>MB</c>, <c>GB</c>, <c>TB</c>) are
/// powers of 1000: <c>1G</c> = 10^9 bytes.</item>
/// <item><c>B</c> or no suffix is bytes: <c>512</c>, <c>512B</c>.</item>
/// </list>
/// Suffixes are case-insensitive (<c>1mib</c> is <c>1MiB</c>; there are no fractional bytes, so <c>m</c> is mega, never
/// Kubernetes' milli). The number may have a fraction (<c>1.5Gi</c>), ',' thousands separators and spaces before the
/// suffix (<c>4 KiB</c>); the result is rounded to the nearest byte. Zero is a size; callers that need more check it.
/// Empty text, unknown suffixes, negative values and sizes beyond <see cref="long.MaxValue"/> bytes are a
/// <see cref="FormatException"/> whose message quotes the text.
/// </summary>
public static class ByteSize
{
    public const string Examples = "examples: 512, 4KiB, 512Mi, 1.5Gi (powers of 1024), 10MB, 1G (powers of 1000)";

    private static readonly Dictionary<string, long> Factors = new(StringComparer.OrdinalIgnoreCase)
    {
        [""] = 1, ["B"] = 1,
        ["Ki"] = 1L << 10, ["Mi"] = 1L << 20, ["Gi"] = 1L << 30, ["Ti"] = 1L << 40,
        ["KiB"] = 1L << 10, ["MiB"] = 1L << 20, ["GiB"] = 1L << 30, ["TiB"] = 1L << 40,
        ["K"] = 1_000, ["M"] = 1_000_000, ["G"] = 1_000_000_000, ["T"] = 1_000_000_000_000,
        ["KB"] = 1_000, ["MB"] = 1_000_000, ["GB"] = 1_000_000_000, ["TB"] = 1_000_000_000_000,
    };

    /// <summary>A size in bytes, zero or more.</summary>
    /// <exception cref="FormatException">The text is not a size; the message says why and quotes it.</exception>
    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0) throw Invalid(text, "it is empty");
        var suffixStart = trimmed.Length;
        while (suffixStart > 0 && char.IsAsciiLetter(trimmed[suffixStart - 1])) suffixStart--;
        var suffix = trimmed[suffixStart..];
        var number = trimmed[..suffixStart].TrimEnd();
        if (!Factors.TryGetValue(suffix, out var factor)) throw Invalid(text, $"'{suffix}' is not a size suffix");
        if (number.Length == 0) throw Invalid(text, "there is no number");
        const NumberStyles styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands;
        if (!decimal.TryParse(number, styles, CultureInfo.InvariantCulture, out var value))
            throw LooksNumeric(number) ? TooLarge(text) : Invalid(text, $"'{number}' is not a number");
        if (value < 0) throw Invalid(text, "it is negative");
        decimal bytes;
        try
        {
            bytes = decimal.Round(value * factor, MidpointRounding.AwayFromZero);
        }
        catch (OverflowException)
        {
            throw TooLarge(text);
        }
        return bytes <= long.MaxValue ? (long)bytes : throw TooLarge(text);
    }

    /// <summary>Digits that decimal refused only for their magnitude.</summary>
    private static bool LooksNumeric(string number) =>
        number.TrimStart('+').All(c => char.IsAsciiDigit(c) || c is '.' or ',') && number.Count(c => c == '.') <= 1;

    private static FormatException Invalid(string text, string why) => new($"'{text}' is not a size: {why} ({Examples})");

    private static FormatException TooLarge(string text) => new($"'{text}' is not a size: it is more than {long.MaxValue} bytes");
}
