using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansAis.Loader.Options;

/// <summary>Durations like Go's: <c>30s</c>, <c>2m</c>, <c>1m30s</c>, <c>500ms</c>, <c>1h</c>; a bare number is seconds.</summary>
internal static partial class DurationText
{
    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h)", RegexOptions.IgnoreCase)]
    private static partial Regex Part();

    public static TimeSpan Parse(string text, string flag)
    {
        var trimmed = text.Trim();
        if (double.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);

        var total = TimeSpan.Zero;
        var consumed = 0;
        foreach (Match m in Part().Matches(trimmed))
        {
            if (m.Index != consumed) break;
            consumed += m.Length;
            var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value.ToLowerInvariant() switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                _ => TimeSpan.FromHours(value),
            };
        }
        if (consumed == 0 || consumed != trimmed.Length)
            throw new UsageException($"{flag} '{text}' is not a duration (examples: 30s, 2m, 1m30s, 500ms)");
        return total;
    }
}
