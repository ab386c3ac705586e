namespace OrleansAis;

/// <summary>A storage silo as the rest of the cluster sees it.</summary>
[GenerateSerializer, Immutable, Alias("oais.NodeInfo")]
public sealed class NodeInfo
{
    /// <summary>Stable id (configured); the input to ownership hashing.</summary>
    [Id(0)] public required string NodeId { get; init; }
    /// <summary>Orleans silo address of the current incarnation.</summary>
    [Id(1)] public required string SiloAddress { get; init; }
    /// <summary>Base URL of the silo's HTTP API, empty when it has none.</summary>
    [Id(2)] public string HttpUrl { get; init; } = "";
}

/// <summary>A silo's storage: its mountpaths with capacity, and how many objects it holds.</summary>
[GenerateSerializer, Immutable, Alias("oais.NodeStats")]
public sealed class NodeStats
{
    [Id(0)] public required NodeInfo Node { get; init; }
    [Id(1)] public IReadOnlyList<MountpathStats> Mountpaths { get; init; } = [];
    [Id(2)] public long ObjectCount { get; init; }
    [Id(3)] public long ObjectBytes { get; init; }
    /// <summary>Active, or where a decommission stands: Draining, Drained, DrainFailed; Unreachable when it did not answer.</summary>
    [Id(4)] public NodeState State { get; init; }
    /// <summary>Objects this node handed over in its current decommission.</summary>
    [Id(5)] public long DrainedObjects { get; init; }
    /// <summary>Why the decommission failed, when it did.</summary>
    [Id(6)] public string? DrainError { get; init; }
    /// <summary>Why the node gave no stats (state Unreachable): rejected, timed out.</summary>
    [Id(7)] public string? Error { get; init; }
    /// <summary>
    /// In the answering silo's view, the node has not yet reconciled with the nodes that stood in for it: it owns
    /// nothing (see <see cref="Ownership.OwnerCandidates"/>), so no request for an object should be sent to it.
    /// </summary>
    [Id(8)] public bool Joining { get; init; }
}

/// <summary>A node's part in the cluster: owning its share, or leaving (owning nothing, handing its objects over).</summary>
public enum NodeState
{
    Active,
    Draining,
    Drained,
    DrainFailed,
    /// <summary>Listed by membership but not answering: crashed and not yet declared dead, or cut off.</summary>
    Unreachable,
}

[GenerateSerializer, Immutable, Alias("oais.MountpathStats")]
public sealed class MountpathStats
{
    [Id(0)] public required string Path { get; init; }
    [Id(1)] public long TotalBytes { get; init; }
    [Id(2)] public long AvailableBytes { get; init; }
}
