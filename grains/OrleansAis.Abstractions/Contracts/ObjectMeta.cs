namespace OrleansAis;

/// <summary>Metadata of a stored object. Checksum is the xxhash64 of the content, 16 lowercase hex digits.</summary>
[GenerateSerializer, Immutable, Alias("oais.ObjectMeta")]
public sealed class ObjectMeta
{
    public const string ChecksumType = "xxhash64";

    [Id(0)] public required string Bucket { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public long Size { get; init; }
    [Id(3)] public required string Checksum { get; init; }
    [Id(4)] public string ContentType { get; init; } = "application/octet-stream";
    [Id(5)] public IReadOnlyDictionary<string, string> Custom { get; init; } = new Dictionary<string, string>();
    /// <summary>Starts at 1 and grows by one on every overwrite of the same name.</summary>
    [Id(6)] public long Version { get; init; }
    [Id(7)] public DateTimeOffset Modified { get; init; }
    /// <summary>Node id of the silo whose disk holds the bytes.</summary>
    [Id(8)] public string Node { get; init; } = "";
    /// <summary>MD5 of the content, 32 lowercase hex digits; null for objects stored before MD5s were kept.</summary>
    [Id(9)] public string? Md5 { get; init; }
    /// <summary>
    /// For an object completed from a multipart upload: S3's multipart ETag, the MD5 of the concatenated binary MD5s of
    /// the parts, then <c>-N</c> for N parts (unquoted); null for an object written in one piece.
    /// </summary>
    [Id(10)] public string? MultipartETag { get; init; }
    /// <summary>For an object completed from a multipart upload: the size of each part, in order (GET with partNumber); null otherwise.</summary>
    [Id(11)] public IReadOnlyList<long>? PartSizes { get; init; }
    /// <summary>
    /// The standard HTTP headers stored with the object and answered on reads (<see cref="StoredHeaders.Names"/>:
    /// Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires); null when none were given.
    /// </summary>
    [Id(12)] public IReadOnlyDictionary<string, string>? Headers { get; init; }
    /// <summary>The additional checksum a writer sent with the content and had verified (S3's x-amz-checksum-*); null when none.</summary>
    [Id(13)] public ObjectChecksum? ContentChecksum { get; init; }

    /// <summary>
    /// Entity tag for HTTP and S3, quoted: S3's multipart ETag, else the content's MD5; objects stored before MD5s were
    /// kept have <c>"{xxhash64}-1"</c> (the '-' tells S3 clients that it is not an MD5).
    /// </summary>
    public string ETag => $"\"{ETagValue(Checksum, Md5, MultipartETag)}\"";

    /// <summary>How many parts the object was uploaded in (1 for an object written in one piece).</summary>
    public int PartsCount => PartSizes is { Count: > 0 } sizes ? sizes.Count : MultipartETag is { } m && m.LastIndexOf('-') is var dash and > 0
        && int.TryParse(m.AsSpan(dash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1;

    /// <summary>The unquoted entity tag of content with these hashes (see <see cref="ETag"/>).</summary>
    public static string ETagValue(string checksum, string? md5, string? multipartETag) => multipartETag ?? md5 ?? checksum + "-1";
}

/// <summary>What a writer may say about a new object.</summary>
[GenerateSerializer, Immutable, Alias("oais.PutOptions")]
public sealed class PutOptions
{
    [Id(0)] public string? ContentType { get; init; }
    [Id(1)] public IReadOnlyDictionary<string, string>? Custom { get; init; }
    /// <summary>When set, the write is refused (and nothing becomes visible) unless the content hashes to this xxhash64 hex.</summary>
    [Id(2)] public string? ExpectedChecksum { get; init; }
    /// <summary>When set, the write is refused unless exactly this many bytes arrive.</summary>
    [Id(3)] public long? ExpectedSize { get; init; }
    /// <summary>
    /// When set, the write happens only if the object's state meets it (If-Match, If-None-Match: *): checked when the
    /// write starts and again at commit under the object's key lock, so no other write can come in between.
    /// </summary>
    [Id(4)] public ObjectCondition? Condition { get; init; }
    /// <summary>
    /// Compute the content's MD5 for the entity tag (S3 clients compare it with what they sent). Off for content the
    /// cluster produced itself, such as ETL outputs, which get the xxhash64 form: MD5 costs about 1.4 ms of CPU per MiB.
    /// </summary>
    [Id(5)] public bool ContentMd5 { get; init; } = true;
    /// <summary>Standard headers to store with the object (see <see cref="ObjectMeta.Headers"/>).</summary>
    [Id(6)] public IReadOnlyDictionary<string, string>? Headers { get; init; }
    /// <summary>A checksum of the content known before it is written (a copy's source's), stored as the object's.</summary>
    [Id(7)] public ObjectChecksum? ContentChecksum { get; init; }

    public static PutOptions Default { get; } = new();
}

/// <summary>
/// A checksum of an object's content in S3's terms: <paramref name="Algorithm"/> is <c>crc32</c>, <c>crc32c</c>,
/// <c>crc64nvme</c>, <c>sha1</c> or <c>sha256</c>; <paramref name="Value"/> the base64 of the big-endian digest (for a
/// composite multipart checksum, of the digest of the parts' digests, then <c>-N</c>); <paramref name="Type"/>
/// <c>FULL_OBJECT</c> or <c>COMPOSITE</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("oais.ObjectChecksum")]
public sealed record ObjectChecksum([property: Id(0)] string Algorithm, [property: Id(1)] string Value, [property: Id(2)] string Type)
{
    public const string FullObject = "FULL_OBJECT";
    public const string Composite = "COMPOSITE";
}

/// <summary>The standard HTTP headers an object keeps from its write and answers on reads, as S3 does.</summary>
public static class StoredHeaders
{
    public const string CacheControl = "Cache-Control";
    public const string ContentDisposition = "Content-Disposition";
    public const string ContentEncoding = "Content-Encoding";
    public const string ContentLanguage = "Content-Language";
    public const string Expires = "Expires";

    public static readonly IReadOnlyList<string> Names = [CacheControl, ContentDisposition, ContentEncoding, ContentLanguage, Expires];
}
