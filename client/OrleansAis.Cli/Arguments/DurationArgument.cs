using OrleansAis.Units;

namespace OrleansAis.Cli.Arguments;

/// <summary>A duration option (<c>--timeout</c>): a positive <see cref="GoDuration"/> (<c>90</c> seconds, <c>45s</c>, <c>5m</c>, <c>1h30m</c>, <c>500ms</c>), a usage error otherwise.</summary>
internal static class DurationArgument
{
    public static TimeSpan Parse(string text, string optionName)
    {
        try
        {
            return GoDuration.ParsePositive(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"{optionName} {e.Message}");
        }
    }
}
