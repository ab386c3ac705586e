using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace OrleansAis.Silo.Http.Ais;

/// <summary>Object metadata as HTTP headers (responses) and put options from request headers.</summary>
public static class ObjectHeaders
{
    public const string MetaPrefix = "X-Oais-Meta-";
    public const string ExpectedChecksum = "X-Oais-Checksum";

    public static void Write(HttpResponse response, ObjectMeta meta)
    {
        var h = response.Headers;
        h.ContentType = meta.ContentType;
        h.ETag = meta.ETag;
        h.LastModified = meta.Modified.ToString("R", CultureInfo.InvariantCulture);
        h.AcceptRanges = "bytes";
        h["X-Oais-Checksum-Type"] = ObjectMeta.ChecksumType;
        h["X-Oais-Checksum-Value"] = meta.Checksum;
        h["X-Oais-Version"] = meta.Version.ToString(CultureInfo.InvariantCulture);
        h["X-Oais-Node"] = meta.Node;
        foreach (var (key, value) in meta.Custom) h[MetaPrefix + key] = value;
    }

    public static PutOptions ReadPutOptions(HttpRequest request)
    {
        var custom = request.Headers
            .Where(h => h.Key.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase) && h.Key.Length > MetaPrefix.Length)
            .ToDictionary(h => h.Key[MetaPrefix.Length..].ToLowerInvariant(), h => h.Value.ToString());
        var expected = request.Headers[ExpectedChecksum].ToString();
        if (expected.Length > 0 && (expected.Length != 16 || !expected.All(char.IsAsciiHexDigit)))
            throw new OaisException(OaisErrorCode.InvalidArgument, $"{ExpectedChecksum}: '{expected}' is not an xxhash64 (16 hex digits)");
        return new PutOptions
        {
            ContentType = request.ContentType,
            Custom = custom,
            ExpectedChecksum = expected.Length > 0 ? expected : null,
            ExpectedSize = request.ContentLength,
        };
    }

    public static object Json(ObjectMeta m) => new
    {
        bucket = m.Bucket, name = m.Name, size = m.Size, checksum = m.Checksum, checksum_type = ObjectMeta.ChecksumType,
        content_type = m.ContentType, version = m.Version, modified = m.Modified, node = m.Node, custom = m.Custom,
    };

    public static string ContentRange(ByteRange range, long size) => $"bytes {range.Offset}-{range.Last}/{size}";

    public static void NotSatisfiable(HttpResponse response, long size) => response.Headers[HeaderNames.ContentRange] = $"bytes */{size}";
}
