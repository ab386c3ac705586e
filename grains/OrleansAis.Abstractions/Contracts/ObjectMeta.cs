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
    /// <summary>Entity tag for HTTP/S3: the checksum plus version, quoted.</summary>
    public string ETag => $"\"{Checksum}\"";
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

    public static PutOptions Default { get; } = new();
}
