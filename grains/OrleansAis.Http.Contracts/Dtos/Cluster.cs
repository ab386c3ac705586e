namespace OrleansAis.Http.Contracts;

/// <summary><c>GET /v1/cluster</c>: the node that answered and every node, by node id.</summary>
public sealed record ClusterDto(string Node, IReadOnlyList<ClusterNodeDto> Nodes);

/// <summary>
/// A node's storage and its part in the cluster. <see cref="State"/> is lower case: active, draining, drained,
/// drainfailed, or unreachable (listed by membership but not answering; <see cref="Error"/> says why, and the counts
/// are zero because unknown). Also the answer to a decommission. <see cref="Joining"/> is true while, in the answering
/// node's view, the node has not yet reconciled with the nodes that stood in for it: it owns nothing then, so a
/// client computing owners leaves it out (as the silos do, see <c>Ownership.OwnerCandidates</c>).
/// </summary>
public sealed record ClusterNodeDto(
    string NodeId,
    string SiloAddress,
    string HttpUrl,
    string State,
    long ObjectCount,
    long ObjectBytes,
    long DrainedObjects,
    string? DrainError,
    IReadOnlyList<MountpathDto> Mountpaths,
    string? Error = null,
    bool Joining = false);

public sealed record MountpathDto(string Path, long TotalBytes, long AvailableBytes);
