using System.Globalization;
using System.Net.Http.Headers;

namespace OrleansAis.Cli.Http;

/// <summary>Object metadata from the headers of a GET or HEAD response (the API's X-Oais-* headers).</summary>
internal static class ObjectHeaders
{
    public const string MetaPrefix = "X-Oais-Meta-";

    public static ObjectMetadata Read(string bucket, string name, HttpResponseMessage response)
    {
        var content = response.Content.Headers;
        // A 206 carries the object's size in Content-Range; otherwise the body is the whole object.
        var size = content.ContentRange?.Length ?? content.ContentLength ?? 0;
        var custom = response.Headers
            .Where(h => h.Key.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase) && h.Key.Length > MetaPrefix.Length)
            .ToDictionary(h => h.Key[MetaPrefix.Length..].ToLowerInvariant(), h => string.Join(",", h.Value), StringComparer.Ordinal);
        return new ObjectMetadata(
            bucket,
            name,
            size,
            Header(response.Headers, "X-Oais-Checksum-Value"),
            Header(response.Headers, "X-Oais-Checksum-Type"),
            content.ContentType?.ToString() ?? "",
            long.TryParse(Header(response.Headers, "X-Oais-Version"), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : 0,
            content.LastModified ?? default,
            Header(response.Headers, "X-Oais-Node"),
            custom);
    }

    private static string Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";
}
