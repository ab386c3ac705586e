namespace OrleansAis;

/// <summary>One line of an object listing.</summary>
[GenerateSerializer, Immutable, Alias("oais.ObjectEntry")]
public sealed class ObjectEntry
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public long Size { get; init; }
    [Id(2)] public required string Checksum { get; init; }
    [Id(3)] public long Version { get; init; }
    [Id(4)] public DateTimeOffset Modified { get; init; }
    [Id(5)] public string Node { get; init; } = "";
    /// <summary>The object's entity tag, quoted (<see cref="ObjectMeta.ETag"/>).</summary>
    [Id(6)] public string ETag { get; init; } = "";
}

/// <summary>A page of a listing in name order; <see cref="ContinuationToken"/> is null on the last page.</summary>
[GenerateSerializer, Immutable, Alias("oais.ObjectListPage")]
public sealed class ObjectListPage
{
    [Id(0)] public IReadOnlyList<ObjectEntry> Entries { get; init; } = [];
    [Id(1)] public string? ContinuationToken { get; init; }
    /// <summary>
    /// Nodes that are down (or did not answer) and may hold objects of this page: non-empty only when the request
    /// allowed a partial listing (<see cref="ListRequest.AllowPartial"/>); otherwise such a listing fails with 503.
    /// </summary>
    [Id(2)] public IReadOnlyList<string> Unavailable { get; init; } = [];

    public bool Partial => Unavailable.Count > 0;
}

/// <summary>Which part of a bucket to list. The continuation token is the last name of the previous page.</summary>
[GenerateSerializer, Immutable, Alias("oais.ListRequest")]
public sealed class ListRequest
{
    public const int DefaultPageSize = Http.Contracts.OaisQuery.DefaultPageSize;
    public const int MaxPageSize = Http.Contracts.OaisQuery.MaxPageSize;

    [Id(0)] public string Prefix { get; init; } = "";
    [Id(1)] public int PageSize { get; init; } = DefaultPageSize;
    [Id(2)] public string? ContinuationToken { get; init; }
    /// <summary>List what the reachable nodes hold when some node is down, flagged partial, instead of failing with 503.</summary>
    [Id(3)] public bool AllowPartial { get; init; }

    public int EffectivePageSize => PageSize <= 0 ? DefaultPageSize : Math.Min(PageSize, MaxPageSize);
}

/// <summary>A multipart upload in progress on one node (ListMultipartUploads): its key, local id and start time.</summary>
[GenerateSerializer, Immutable, Alias("oais.UploadEntry")]
public sealed class UploadEntry
{
    [Id(0)] public required string Key { get; init; }
    [Id(1)] public required string LocalId { get; init; }
    [Id(2)] public required string NodeId { get; init; }
    [Id(3)] public DateTimeOffset Initiated { get; init; }
    /// <summary>The upload's checksum algorithm (an S3 x-amz-checksum-* name) and type, when it has one.</summary>
    [Id(4)] public string? ChecksumAlgorithm { get; init; }
    [Id(5)] public string? ChecksumType { get; init; }
}
