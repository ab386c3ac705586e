namespace OrleansAis.Cli.Arguments;

/// <summary>
/// The <c>--ext</c> of an ETL job, as AIStore's CLI writes it: <c>{flac:wav}</c> or <c>{flac:wav,mp3:ogg}</c> (the
/// braces may be left out). Only the shape is checked here; the server checks the extensions themselves.
/// </summary>
internal static class ExtensionMapArgument
{
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var body = text.Trim();
        if (body.StartsWith('{') && body.EndsWith('}')) body = body[1..^1];
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split(',', StringSplitOptions.TrimEntries))
        {
            var colon = pair.IndexOf(':');
            if (colon <= 0 || colon == pair.Length - 1) throw new UsageException($"--ext '{text}': expected {{FROM:TO}} or {{FROM:TO,FROM2:TO2}}, e.g. {{flac:wav}}");
            var from = pair[..colon].Trim().TrimStart('.');
            if (!map.TryAdd(from, pair[(colon + 1)..].Trim().TrimStart('.'))) throw new UsageException($"--ext: '{from}' is mapped twice");
        }
        return map;
    }
}
