using System.Globalization;

namespace OrleansAis.Cli.Arguments;

/// <summary>
/// The <c>--range</c> of a GET: <c>A-B</c> (bytes A to B inclusive), <c>A-</c> (from A to the end) or <c>-N</c>
/// (the last N bytes), optionally written with HTTP's <c>bytes=</c> prefix. <see cref="First"/> is null for a suffix range.
/// </summary>
internal sealed record ByteRangeArgument(long? First, long? Last)
{
    public static ByteRangeArgument Parse(string text)
    {
        var spec = text.Trim();
        if (spec.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) spec = spec["bytes=".Length..];
        var dash = spec.IndexOf('-');
        if (dash < 0) throw Invalid(text, "expected A-B, A- or -N");
        var (first, last) = (spec[..dash], spec[(dash + 1)..]);
        if (first.Length == 0)
        {
            return TryNumber(last, out var suffix) && suffix > 0
                ? new ByteRangeArgument(null, suffix)
                : throw Invalid(text, "-N needs a byte count above 0");
        }
        if (!TryNumber(first, out var start)) throw Invalid(text, $"'{first}' is not a byte offset");
        if (last.Length == 0) return new ByteRangeArgument(start, null);
        if (!TryNumber(last, out var end)) throw Invalid(text, $"'{last}' is not a byte offset");
        return end >= start ? new ByteRangeArgument(start, end) : throw Invalid(text, "the end is before the start");
    }

    public override string ToString() => $"{First}-{Last}";

    private static bool TryNumber(string s, out long n) => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out n);

    private static UsageException Invalid(string text, string why) => new($"--range '{text}': {why}");
}
