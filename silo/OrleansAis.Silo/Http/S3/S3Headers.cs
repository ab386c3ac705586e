namespace OrleansAis.Silo.Http.S3;

/// <summary>The S3 protocol's <c>x-amz-*</c> header names, written once (prefixes end in '-').</summary>
public static class S3Headers
{
    public const string BucketRegion = "x-amz-bucket-region";
    public const string ChecksumAlgorithm = "x-amz-checksum-algorithm";
    public const string ChecksumMode = "x-amz-checksum-mode";
    /// <summary>Request (OrleansAis extension): "true" lets a listing leave out what a down node holds instead of answering 503.</summary>
    public const string AllowPartial = "x-oais-allow-partial";
    /// <summary>Response (OrleansAis extension): a listing allowed to be partial and partial: the nodes it could not reach.</summary>
    public const string PartialListing = "x-oais-partial-listing";
    public const string ChecksumPrefix = "x-amz-checksum-";
    public const string ChecksumType = "x-amz-checksum-type";
    public const string ContentSha256 = "x-amz-content-sha256";
    public const string CopySource = "x-amz-copy-source";
    public const string CopySourcePrefix = "x-amz-copy-source-";
    public const string CopySourceRange = "x-amz-copy-source-range";
    public const string CopySourceSseCustomerAlgorithm = "x-amz-copy-source-server-side-encryption-customer-algorithm";
    public const string CopySourceSseCustomerKey = "x-amz-copy-source-server-side-encryption-customer-key";
    public const string Date = "x-amz-date";
    public const string DecodedContentLength = "x-amz-decoded-content-length";
    public const string MetaPrefix = "x-amz-meta-";
    public const string MetadataDirective = "x-amz-metadata-directive";
    public const string PartsCount = "x-amz-mp-parts-count";
    public const string RequestId = "x-amz-request-id";
    public const string Sse = "x-amz-server-side-encryption";
    public const string SseBucketKeyEnabled = "x-amz-server-side-encryption-bucket-key-enabled";
    public const string SseContext = "x-amz-server-side-encryption-context";
    public const string SseCustomerAlgorithm = "x-amz-server-side-encryption-customer-algorithm";
    public const string SseCustomerKey = "x-amz-server-side-encryption-customer-key";
    public const string SseKmsKeyId = "x-amz-server-side-encryption-aws-kms-key-id";
    public const string Trailer = "x-amz-trailer";
    public const string TrailerSignature = "x-amz-trailer-signature";
}
