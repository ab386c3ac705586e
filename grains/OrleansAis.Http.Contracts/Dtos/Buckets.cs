namespace OrleansAis.Http.Contracts;

public sealed record BucketDto(string Name, DateTimeOffset Created, IReadOnlyDictionary<string, string> Properties);

/// <summary><c>GET /v1/buckets</c>.</summary>
public sealed record BucketListDto(IReadOnlyList<BucketDto> Buckets);

/// <summary>The optional body of <c>PUT /v1/buckets/{bucket}</c>.</summary>
public sealed record BucketCreateRequest(IReadOnlyDictionary<string, string>? Properties);

/// <summary>One line of <c>GET /v1/buckets/{bucket}</c>, the listing merged across silos.</summary>
public sealed record ObjectEntryDto(string Name, long Size, string Checksum, long Version, DateTimeOffset Modified, string Node);

/// <summary>
/// A listing page; <see cref="ContinuationToken"/> is null on the last one. <see cref="Partial"/> is true only when the
/// request allowed a partial listing (<see cref="OaisQuery.Partial"/>) and some node that may hold objects of the page
/// (named in <see cref="UnavailableNodes"/>) is down; without that opt-in such a listing answers 503.
/// </summary>
public sealed record ObjectPageDto(IReadOnlyList<ObjectEntryDto> Entries, string? ContinuationToken, bool Partial = false,
    IReadOnlyList<string>? UnavailableNodes = null);
