using System.Globalization;
using System.Text;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Silo.Http.S3.Operations;

/// <summary>Object metadata as S3 headers: Content-Type, ETag, Last-Modified and user metadata as x-amz-meta-*.</summary>
public static class S3ObjectHeaders
{
    public const string MetaPrefix = S3Headers.MetaPrefix;
    /// <summary>S3's limit on user metadata (names and values, in UTF-8).</summary>
    public const int MaxUserMetadataBytes = 2048;

    public static void Write(HttpResponse response, ObjectMeta meta)
    {
        var headers = response.Headers;
        headers.ContentType = meta.ContentType;
        headers.ETag = meta.ETag;
        headers.LastModified = meta.Modified.ToString("R", CultureInfo.InvariantCulture);
        headers.AcceptRanges = "bytes";
        foreach (var (name, value) in meta.Custom) headers[MetaPrefix + name] = MetadataText.Encode(value);
    }

    /// <summary>Content type and user metadata of a new object (names lower-cased, as S3 stores them).</summary>
    public static PutOptions ReadPutOptions(HttpRequest request, long? expectedSize)
    {
        var custom = request.Headers
            .Where(h => h.Key.Length > MetaPrefix.Length && h.Key.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key[MetaPrefix.Length..].ToLowerInvariant(), h => MetadataText.Decode(h.Key, h.Value.ToString()) switch
            {
                (_, { } problem) => throw S3Exception.InvalidArgument(problem),
                (var value, _) => value!,
            });
        var size = custom.Sum(kv => Encoding.UTF8.GetByteCount(kv.Key) + Encoding.UTF8.GetByteCount(kv.Value));
        if (size > MaxUserMetadataBytes)
            throw new S3Exception(StatusCodes.Status400BadRequest, "MetadataTooLarge", $"user metadata is {size} bytes; the limit is {MaxUserMetadataBytes}");
        return new PutOptions
        {
            ContentType = request.ContentType, Custom = custom, ExpectedSize = expectedSize,
            Condition = ConditionHeaders.Read(request.Headers, forWrite: true),
        };
    }
}
