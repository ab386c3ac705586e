namespace OrleansAis.Http.Contracts;

/// <summary>
/// An object's metadata: the JSON answer to a PUT, and what a GET or HEAD says in its headers (see
/// <see cref="ObjectMetaHeaders"/>). The checksum is the content's xxhash64, 16 lowercase hex digits.
/// </summary>
public sealed record ObjectMetaDto(
    string Bucket,
    string Name,
    long Size,
    string Checksum,
    string ChecksumType,
    string ContentType,
    long Version,
    DateTimeOffset Modified,
    string Node,
    IReadOnlyDictionary<string, string> Custom);

/// <summary>The answer to a transformer's direct put.</summary>
public sealed record DirectPutResultDto(string Bucket, string Name, long Size, string Checksum, string Node);

/// <summary>
/// The body of <c>POST /v1/objects/{bucket}/{name}?action=copy</c> (AIStore's copy-object action): the destination,
/// <see cref="ToBucket"/> defaulting to the source's bucket. The copy keeps the source's content type and metadata.
/// </summary>
public sealed record ObjectCopyRequest(string? ToBucket, string? ToName);
