using System.Globalization;

namespace OrleansAis.Cli.Output;

/// <summary>Timestamps for people: local time to the second (--json keeps the full ISO 8601 value).</summary>
internal static class Times
{
    public static string Format(DateTimeOffset time) => time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
