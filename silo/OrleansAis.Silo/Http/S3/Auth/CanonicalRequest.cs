using System.Text;

namespace OrleansAis.Silo.Http.S3.Auth;

/// <summary>
/// What SigV4 signs of a request. <paramref name="RawPath"/> is the path as sent (percent-encoded);
/// <paramref name="Query"/> holds decoded names and values; <paramref name="Header"/> returns a header's values joined
/// by ',' (null when absent), looked up by lower-case name.
/// </summary>
public sealed record SigV4Request(
    string Method, string RawPath, IReadOnlyList<KeyValuePair<string, string>> Query, Func<string, string?> Header);

/// <summary>The SigV4 canonical request (method, URI, query, headers, signed header list, payload hash) for S3.</summary>
public static class CanonicalRequest
{
    public static string Build(SigV4Request request, IReadOnlyList<string> signedHeaders, string payloadHash, string? excludedQueryName = null)
    {
        var text = new StringBuilder(512);
        text.Append(request.Method).Append('\n');
        text.Append(CanonicalUri(request.RawPath)).Append('\n');
        text.Append(CanonicalQuery(request.Query, excludedQueryName)).Append('\n');
        foreach (var name in signedHeaders)
            text.Append(name).Append(':').Append(CanonicalHeaderValue(request.Header(name) ?? "")).Append('\n');
        text.Append('\n');
        text.Append(string.Join(';', signedHeaders)).Append('\n');
        text.Append(payloadHash);
        return text.ToString();
    }

    /// <summary>
    /// S3 encodes the path once, segment by segment. Decoding each segment and encoding it again gives the same form
    /// whichever (valid) escaping the client put on the wire, and keeps an escaped '/' inside a segment escaped.
    /// </summary>
    public static string CanonicalUri(string rawPath)
    {
        if (rawPath.Length == 0) return "/";
        return string.Join('/', rawPath.Split('/').Select(segment => SigV4.UriEncode(Uri.UnescapeDataString(segment), encodeSlash: true)));
    }

    private static string CanonicalQuery(IReadOnlyList<KeyValuePair<string, string>> query, string? excludedName) =>
        string.Join('&', query
            .Where(p => p.Key != excludedName)
            .Select(p => (Name: SigV4.UriEncode(p.Key, encodeSlash: true), Value: SigV4.UriEncode(p.Value, encodeSlash: true)))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value));

    /// <summary>Trimmed, with runs of spaces inside folded to one.</summary>
    private static string CanonicalHeaderValue(string value)
    {
        var text = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value.Trim())
        {
            if (c == ' ')
            {
                if (!space) text.Append(c);
                space = true;
                continue;
            }
            space = false;
            text.Append(c);
        }
        return text.ToString();
    }
}
