using System.Globalization;

namespace OrleansAis.Cli.Output;

/// <summary>Timestamps for people: local time to the second (--json keeps the full ISO 8601 value).</summary>
internal static class Times
{
    public static string Format(DateTimeOffset time) => time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A duration for people: <c>850ms</c>, <c>4.2s</c>, <c>3m05s</c>, <c>2h10m</c>.</summary>
    public static string FormatDuration(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 1 } => $"{(int)duration.TotalMilliseconds}ms",
        { TotalMinutes: < 1 } => duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + "s",
        { TotalHours: < 1 } => $"{(int)duration.TotalMinutes}m{duration.Seconds:D2}s",
        _ => $"{(int)duration.TotalHours}h{duration.Minutes:D2}m",
    };
}
