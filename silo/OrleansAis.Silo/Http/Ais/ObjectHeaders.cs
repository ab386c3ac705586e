using System.Globalization;
using Microsoft.Net.Http.Headers;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Silo.Http.Ais;

/// <summary>Object metadata as HTTP headers (responses) and put options from request headers.</summary>
public static class ObjectHeaders
{
    public static void Write(HttpResponse response, ObjectMeta meta)
    {
        var h = response.Headers;
        h.ContentType = meta.ContentType;
        h.ETag = meta.ETag;
        h.LastModified = meta.Modified.ToString("R", CultureInfo.InvariantCulture);
        h.AcceptRanges = "bytes";
        h[OaisHeaders.ChecksumType] = ObjectMeta.ChecksumType;
        h[OaisHeaders.ChecksumValue] = meta.Checksum;
        h[OaisHeaders.Version] = meta.Version.ToString(CultureInfo.InvariantCulture);
        h[OaisHeaders.Node] = meta.Node;
        foreach (var (key, value) in meta.Custom) h[OaisHeaders.MetaPrefix + key] = MetadataText.Encode(value);
        // What an S3 write stored answers here too, so a copy made from this answer (CopySource) keeps it.
        foreach (var (name, value) in meta.Headers ?? new Dictionary<string, string>()) h[name] = value;
        if (meta.ContentChecksum is { } checksum) h[OaisHeaders.ContentChecksum] = $"{checksum.Algorithm} {checksum.Type} {checksum.Value}";
    }

    /// <summary>The checksum an <see cref="OaisHeaders.ContentChecksum"/> value states; null when absent or malformed.</summary>
    public static ObjectChecksum? ParseContentChecksum(string? value) =>
        value?.Split(' ') is [var algorithm, var type, var checksum] ? new ObjectChecksum(algorithm, checksum, type) : null;

    public static PutOptions ReadPutOptions(HttpRequest request)
    {
        var custom = request.Headers
            .Where(h => h.Key.StartsWith(OaisHeaders.MetaPrefix, StringComparison.OrdinalIgnoreCase) && h.Key.Length > OaisHeaders.MetaPrefix.Length)
            .ToDictionary(h => h.Key[OaisHeaders.MetaPrefix.Length..].ToLowerInvariant(), h => MetadataText.Decode(h.Key, h.Value.ToString()) switch
            {
                (_, { } problem) => throw new OaisException(OaisErrorCode.InvalidArgument, problem),
                (var value, _) => value!,
            });
        // Checked here too (the store checks every write) so the error names the headers the caller sent.
        if (Naming.Names.UserMetadataSizeProblem(custom) is { } tooLarge)
            throw new OaisException(OaisErrorCode.InvalidArgument, $"{OaisHeaders.MetaPrefix}* headers: {tooLarge}");
        var expected = request.Headers[OaisHeaders.ExpectedChecksum].ToString();
        if (expected.Length > 0 && (expected.Length != 16 || !expected.All(char.IsAsciiHexDigit)))
            throw new OaisException(OaisErrorCode.InvalidArgument, $"{OaisHeaders.ExpectedChecksum}: '{expected}' is not an xxhash64 (16 hex digits)");
        return new PutOptions
        {
            ContentType = request.ContentType,
            Custom = custom,
            ExpectedChecksum = expected.Length > 0 ? expected : null,
            ExpectedSize = request.ContentLength,
            Condition = ConditionHeaders.Read(request.Headers, forWrite: true),
        };
    }

    public static ObjectMetaDto Json(ObjectMeta m) =>
        new(m.Bucket, m.Name, m.Size, m.Checksum, ObjectMeta.ChecksumType, m.ContentType, m.Version, m.Modified, m.Node, m.Custom);

    public static string ContentRange(ByteRange range, long size) => $"bytes {range.Offset}-{range.Last}/{size}";

    public static void NotSatisfiable(HttpResponse response, long size) => response.Headers[HeaderNames.ContentRange] = $"bytes */{size}";
}
