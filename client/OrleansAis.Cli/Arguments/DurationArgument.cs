using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansAis.Cli.Arguments;

/// <summary>A duration the way AIStore's CLI and the ETL spec write them: <c>90</c> (seconds), <c>45s</c>, <c>5m</c>, <c>1h30m</c>, <c>500ms</c>.</summary>
internal static partial class DurationArgument
{
    public static TimeSpan Parse(string text, string optionName)
    {
        var trimmed = text.Trim();
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && double.IsFinite(seconds))
            return TimeSpan.FromSeconds(seconds);
        var parts = Part().Matches(trimmed);
        if (trimmed.Length == 0 || parts.Sum(p => p.Length) != trimmed.Length) throw Invalid(text, optionName);
        var total = TimeSpan.Zero;
        foreach (Match part in parts)
        {
            var n = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                _ => TimeSpan.FromHours(n),
            };
        }
        return total > TimeSpan.Zero ? total : throw Invalid(text, optionName);
    }

    private static UsageException Invalid(string text, string optionName) =>
        new($"{optionName} '{text}': expected a duration such as 90 (seconds), 45s, 5m, 1h30m or 500ms");

    [GeneratedRegex(@"\G(\d+(?:\.\d+)?)(ms|s|m|h)")]
    private static partial Regex Part();
}
