namespace OrleansAis.Cli.Http;

// The JSON documents of the AIS-style HTTP API (snake_case on the wire, see ApiJson). The CLI's --json output reuses
// them, so scripts see the same field names from `oais` as from the API.

internal sealed record BucketInfo(string Name, DateTimeOffset Created, IReadOnlyDictionary<string, string> Properties);

internal sealed record BucketList(IReadOnlyList<BucketInfo> Buckets);

internal sealed record ObjectEntry(string Name, long Size, string Checksum, long Version, DateTimeOffset Modified, string Node);

internal sealed record ObjectPage(IReadOnlyList<ObjectEntry> Entries, string? ContinuationToken);

internal sealed record ObjectMetadata(
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

internal sealed record ClusterInfo(string Node, IReadOnlyList<NodeInfo> Nodes);

internal sealed record NodeInfo(
    string NodeId, string SiloAddress, string HttpUrl, string State, long ObjectCount, long ObjectBytes, long DrainedObjects, string? DrainError,
    IReadOnlyList<MountpathInfo> Mountpaths);

internal sealed record MountpathInfo(string Path, long TotalBytes, long AvailableBytes);

internal sealed record ErrorDocument(ErrorBody? Error);

internal sealed record ErrorBody(string Code, string Message, int Status);
