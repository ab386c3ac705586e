namespace OrleansAis.Cli.Arguments;

/// <summary>Repeated <c>KEY=VALUE</c> options (bucket properties, custom object metadata).</summary>
internal static class KeyValueArguments
{
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string>? items, string optionName)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items ?? [])
        {
            var eq = item.IndexOf('=');
            if (eq <= 0) throw new UsageException($"{optionName} '{item}': expected KEY=VALUE");
            var key = item[..eq];
            if (!result.TryAdd(key, item[(eq + 1)..])) throw new UsageException($"{optionName}: '{key}' is given twice");
        }
        return result;
    }

    /// <summary>
    /// Custom metadata travels as <c>X-Oais-Meta-KEY</c> headers, which carry only printable ASCII (keys: no separators
    /// either); checked here so a bad value is a usage error, not a failed request.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ParseHeaderSafe(IEnumerable<string>? items, string optionName)
    {
        var result = Parse(items, optionName);
        foreach (var (key, value) in result)
        {
            if (!key.All(IsTokenChar)) throw new UsageException($"{optionName} '{key}': keys may use letters, digits and -_.!~*'");
            if (!value.All(c => c is >= ' ' and <= '~')) throw new UsageException($"{optionName} '{key}': values must be printable ASCII");
        }
        return result;
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "-_.!~*'".Contains(c);
}
