namespace OrleansAis;

/// <summary>One object a node holds for another node's share (what a rejoining node compares with its own copy).</summary>
[GenerateSerializer, Immutable, Alias("oais.HeldObject")]
/// <param name="PeerHolds">The node that answered keeps a copy too (it is one of the object's holders): copy, do not move.</param>
public sealed record HeldObject([property: Id(0)] string Bucket, [property: Id(1)] string Name, [property: Id(2)] DateTimeOffset Modified,
    [property: Id(3)] bool PeerHolds);

/// <summary>A page of <see cref="HeldObject"/>s; <see cref="NextBucket"/> is null on the last page.</summary>
[GenerateSerializer, Immutable, Alias("oais.HeldPage")]
public sealed class HeldPage
{
    [Id(0)] public IReadOnlyList<HeldObject> Objects { get; init; } = [];
    /// <summary>Where the next page starts: this bucket, after <see cref="NextToken"/> (from its start when null).</summary>
    [Id(1)] public string? NextBucket { get; init; }
    [Id(2)] public string? NextToken { get; init; }
}

/// <summary>A user delete a node remembers (for a bounded time), so an older copy on a node that was down does not come back.</summary>
[GenerateSerializer, Immutable, Alias("oais.Tombstone")]
public sealed record Tombstone([property: Id(0)] string Bucket, [property: Id(1)] string Name, [property: Id(2)] DateTimeOffset DeletedAt);
