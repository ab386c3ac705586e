namespace OrleansAis.Http.Contracts;

/// <summary>The <c>X-Oais-*</c> headers of the AIS-style API.</summary>
public static class OaisHeaders
{
    /// <summary>Custom object metadata, one header per key: <c>X-Oais-Meta-{key}</c> on PUT and on GET/HEAD answers.</summary>
    public const string MetaPrefix = "X-Oais-Meta-";

    /// <summary>On a PUT: refuse the write unless the content hashes to this xxhash64 (16 hex digits).</summary>
    public const string ExpectedChecksum = "X-Oais-Checksum";

    /// <summary>On GET/HEAD answers: the stored checksum's algorithm and value.</summary>
    public const string ChecksumType = "X-Oais-Checksum-Type";
    public const string ChecksumValue = "X-Oais-Checksum-Value";
    /// <summary>
    /// On GET/HEAD of an object that has one: the checksum its writer sent (S3's x-amz-checksum-*), as
    /// <c>{algorithm} {FULL_OBJECT|COMPOSITE} {base64 value}</c>, e.g. <c>crc32 FULL_OBJECT 1iZOJw==</c>.
    /// </summary>
    public const string ContentChecksum = "X-Oais-Content-Checksum";

    /// <summary>On GET/HEAD answers: the object's version (1 and up).</summary>
    public const string Version = "X-Oais-Version";

    /// <summary>On object and inline-transform answers: the node id of the silo that served the bytes.</summary>
    public const string Node = "X-Oais-Node";

    /// <summary>On an inline-transform answer: the ETL that produced the body.</summary>
    public const string Etl = "X-Oais-Etl";

    /// <summary>On a GET/HEAD: "true" asks a silo that does not own the object to proxy it instead of redirecting.</summary>
    public const string Proxy = "X-Oais-Proxy";

    /// <summary>
    /// Conditional requests (RFC 9110), on GET/HEAD (304 or 412), PUT and DELETE (412; If-Match and If-None-Match only),
    /// the same as on the S3 API. Entity tags are the <c>ETag</c> of GET/HEAD answers.
    /// </summary>
    public const string IfMatch = "If-Match";
    public const string IfNoneMatch = "If-None-Match";
    public const string IfModifiedSince = "If-Modified-Since";
    public const string IfUnmodifiedSince = "If-Unmodified-Since";

    /// <summary>Marks a request one silo forwarded to another; the receiver serves it itself (no forwarding loops).</summary>
    public const string Forwarded = "X-Oais-Forwarded";
}
