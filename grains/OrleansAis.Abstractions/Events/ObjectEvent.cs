namespace OrleansAis.Events;

public enum ObjectEventKind
{
    Created = 0,
    Overwritten = 1,
    Deleted = 2,
}

/// <summary>An object changed in a bucket: published by the node that committed the change, after it committed.</summary>
[GenerateSerializer, Immutable, Alias("oais.ObjectEvent")]
public sealed class ObjectEvent
{
    [Id(0)] public ObjectEventKind Kind { get; init; }
    [Id(1)] public required string Bucket { get; init; }
    [Id(2)] public required string Name { get; init; }
    /// <summary>The version written (0 for a delete).</summary>
    [Id(3)] public long Version { get; init; }
    /// <summary>Bytes of the version written (0 for a delete).</summary>
    [Id(4)] public long Size { get; init; }
    /// <summary>Quoted entity tag of the version written (null for a delete).</summary>
    [Id(5)] public string? ETag { get; init; }
    /// <summary>xxhash64 of the version written (null for a delete).</summary>
    [Id(6)] public string? Checksum { get; init; }
    /// <summary>The node that committed the change.</summary>
    [Id(7)] public required string Node { get; init; }
    [Id(8)] public DateTimeOffset Time { get; init; }
}
