using System.Globalization;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Silo.Http.S3.Operations;

/// <summary>
/// Object metadata as S3 headers: Content-Type, ETag, Last-Modified, the stored standard headers (Cache-Control,
/// Content-Disposition, Content-Encoding, Content-Language, Expires), user metadata as x-amz-meta-*, and the stored
/// checksum when the client asks for it.
/// </summary>
public static class S3ObjectHeaders
{
    public const string MetaPrefix = S3Headers.MetaPrefix;
    /// <summary>S3's limit on user metadata (names and values, in UTF-8); the /v1 API has the same.</summary>
    public const int MaxUserMetadataBytes = Naming.Names.MaxUserMetadataBytes;

    /// <summary>
    /// GetObject's <c>response-*</c> query parameters and the header each one replaces in the answer (S3 answers the value
    /// as given, for this response only).
    /// </summary>
    public static readonly IReadOnlyList<(string Parameter, string Header)> ResponseOverrides =
    [
        ("response-content-type", "Content-Type"),
        ("response-content-language", StoredHeaders.ContentLanguage),
        ("response-expires", StoredHeaders.Expires),
        ("response-cache-control", StoredHeaders.CacheControl),
        ("response-content-disposition", StoredHeaders.ContentDisposition),
        ("response-content-encoding", StoredHeaders.ContentEncoding),
    ];

    /// <summary>The aws-chunked framing of a streamed upload is a transfer detail, never part of the object's encoding.</summary>
    private const string AwsChunked = "aws-chunked";

    public static void Write(HttpResponse response, ObjectMeta meta)
    {
        var headers = response.Headers;
        headers.ContentType = meta.ContentType;
        headers.ETag = meta.ETag;
        headers.LastModified = meta.Modified.ToString("R", CultureInfo.InvariantCulture);
        headers.AcceptRanges = "bytes";
        foreach (var (name, value) in meta.Headers ?? new Dictionary<string, string>()) headers[name] = value;
        foreach (var (name, value) in meta.Custom) headers[MetaPrefix + name] = MetadataText.Encode(value);
    }

    /// <summary>
    /// The stored checksum, for a GET or HEAD of the whole object that asked for it (<c>x-amz-checksum-mode: ENABLED</c>).
    /// A range has no checksum of its own, so none is given for one (clients would check the range against the object's).
    /// </summary>
    public static void WriteChecksum(HttpRequest request, HttpResponse response, ObjectMeta meta, bool wholeObject)
    {
        if (!wholeObject || meta.ContentChecksum is not { } checksum) return;
        if (!string.Equals(request.Headers[S3Headers.ChecksumMode].ToString(), "ENABLED", StringComparison.OrdinalIgnoreCase)) return;
        response.Headers[S3Headers.ChecksumPrefix + checksum.Algorithm] = checksum.Value;
        response.Headers[S3Headers.ChecksumType] = checksum.Type;
    }

    /// <summary>PutObject's answer names the checksum it stored, as S3's does.</summary>
    public static void WriteStoredChecksum(HttpResponse response, ObjectMeta meta)
    {
        if (meta.ContentChecksum is not { } checksum) return;
        response.Headers[S3Headers.ChecksumPrefix + checksum.Algorithm] = checksum.Value;
        response.Headers[S3Headers.ChecksumType] = checksum.Type;
    }

    /// <summary>
    /// Applies GetObject's <c>response-*</c> overrides. S3 honours them on signed and presigned requests only; an anonymous
    /// request that names one is refused.
    /// </summary>
    public static void ApplyResponseOverrides(S3Request request)
    {
        var given = ResponseOverrides.Where(o => request.Has(o.Parameter)).ToList();
        if (given.Count == 0) return;
        if (request.Caller.Signature is null)
            throw S3Exception.InvalidRequest("Request specific response headers cannot be used for anonymous GET requests.");
        foreach (var (parameter, header) in given)
        {
            var value = request.Query(parameter) ?? "";
            if (!value.All(c => c is >= ' ' and <= '~'))
                throw S3Exception.InvalidArgument($"{parameter} must be printable ASCII (it becomes the {header} header)");
            request.Response.Headers[header] = value;
        }
    }

    /// <summary>Content type, stored standard headers and user metadata of a new object (names lower-cased, as S3 stores them).</summary>
    public static PutOptions ReadPutOptions(HttpRequest request, long? expectedSize)
    {
        var custom = request.Headers
            .Where(h => h.Key.Length > MetaPrefix.Length && h.Key.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key[MetaPrefix.Length..].ToLowerInvariant(), h => MetadataText.Decode(h.Key, h.Value.ToString()) switch
            {
                (_, { } problem) => throw S3Exception.InvalidArgument(problem),
                (var value, _) => value!,
            });
        if (Naming.Names.UserMetadataSizeProblem(custom) is { } tooLarge)
            throw new S3Exception(StatusCodes.Status400BadRequest, "MetadataTooLarge", $"Your metadata headers exceed the maximum allowed metadata size: {tooLarge}");
        return new PutOptions
        {
            ContentType = request.ContentType, Custom = custom, ExpectedSize = expectedSize, Headers = ReadStoredHeaders(request),
            Condition = ConditionHeaders.Read(request.Headers, forWrite: true),
        };
    }

    /// <summary>The standard headers of a write that the object keeps; null when it has none.</summary>
    public static Dictionary<string, string>? ReadStoredHeaders(HttpRequest request)
    {
        var stored = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in StoredHeaders.Names)
        {
            var value = request.Headers[name].ToString().Trim();
            if (name == StoredHeaders.ContentEncoding)
                value = string.Join(',', value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Where(e => !e.Equals(AwsChunked, StringComparison.OrdinalIgnoreCase)));
            if (value.Length == 0) continue;
            if (!value.All(c => c is >= ' ' and <= '~')) throw S3Exception.InvalidArgument($"the {name} header must be printable ASCII");
            stored[name] = value;
        }
        return stored.Count == 0 ? null : stored;
    }
}
