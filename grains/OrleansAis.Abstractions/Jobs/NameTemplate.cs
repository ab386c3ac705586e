using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansAis.Jobs;

/// <summary>
/// AIStore-style name templates: text with brace ranges <c>{0001..0999}</c> (zero padding kept), stepped ranges
/// <c>{0..100..5}</c>, and several ranges in one template (expanded left to right, like nested loops).
/// </summary>
public static partial class NameTemplate
{
    public const long MaxNames = 10_000_000;

    public static string? Problem(string template)
    {
        try
        {
            var count = Parse(template).Aggregate(1L, (n, part) => part.Range is { } r ? checked(n * r.Count) : n);
            return count > MaxNames ? $"'{template}' expands to {count} names; the limit is {MaxNames}" : null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
        catch (OverflowException)
        {
            return $"'{template}' expands to too many names";
        }
    }

    /// <summary>Every name, in order, lazily.</summary>
    public static IEnumerable<string> Expand(string template)
    {
        var parts = Parse(template);
        return Expand(parts, 0, "");
    }

    private static IEnumerable<string> Expand(IReadOnlyList<Part> parts, int index, string prefix)
    {
        if (index == parts.Count)
        {
            yield return prefix;
            yield break;
        }
        var part = parts[index];
        if (part.Range is not { } range)
        {
            foreach (var name in Expand(parts, index + 1, prefix + part.Text)) yield return name;
            yield break;
        }
        for (var i = range.From; range.Step > 0 ? i <= range.To : i >= range.To; i += range.Step)
        {
            var number = i.ToString(CultureInfo.InvariantCulture).PadLeft(range.Width, '0');
            foreach (var name in Expand(parts, index + 1, prefix + number)) yield return name;
        }
    }

    private sealed record RangeSpec(long From, long To, long Step, int Width)
    {
        public long Count => (To - From) / Step + 1;
    }

    private sealed record Part(string Text, RangeSpec? Range);

    private static List<Part> Parse(string template)
    {
        if (string.IsNullOrEmpty(template)) throw new FormatException("template is empty");
        var parts = new List<Part>();
        var last = 0;
        foreach (Match m in Braces().Matches(template))
        {
            parts.Add(new Part(template[last..m.Index], null));
            parts.Add(new Part("", Range(m.Groups[1].Value, template)));
            last = m.Index + m.Length;
        }
        parts.Add(new Part(template[last..], null));
        if (parts.Any(p => p.Text.Contains('{') || p.Text.Contains('}')))
            throw new FormatException($"'{template}' has a brace that is not a range like {{0001..0999}} or {{0..100..5}}");
        return parts;
    }

    private static RangeSpec Range(string body, string template)
    {
        var pieces = body.Split("..");
        if (pieces.Length is < 2 or > 3 || pieces.Any(p => p.Length == 0 || !p.All(char.IsAsciiDigit)))
            throw new FormatException($"'{{{body}}}' in '{template}' is not a range like {{0001..0999}} or {{0..100..5}}");
        var from = long.Parse(pieces[0], CultureInfo.InvariantCulture);
        var to = long.Parse(pieces[1], CultureInfo.InvariantCulture);
        var step = pieces.Length == 3 ? long.Parse(pieces[2], CultureInfo.InvariantCulture) : 1;
        if (step == 0) throw new FormatException($"'{{{body}}}' in '{template}' has a zero step");
        if (to < from) step = -step;
        var width = pieces[0].Length > 1 && pieces[0][0] == '0' ? pieces[0].Length : 0;
        return new RangeSpec(from, to, step, width);
    }

    [GeneratedRegex(@"\{([^{}]*)\}")]
    private static partial Regex Braces();
}
