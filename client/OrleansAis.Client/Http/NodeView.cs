using OrleansAis.Ownership;

namespace OrleansAis.Client.Http;

/// <summary>
/// One immutable picture of the cluster's nodes as the client last loaded it, and who owns what among them: the same
/// rendezvous function over the same candidates as the silos use (<see cref="OwnerCandidates"/>: not those leaving,
/// not those joining, as the answering silo saw them).
/// </summary>
internal sealed class NodeView
{
    private int _next;

    public NodeView(IReadOnlyList<NodeStats> nodes, long version)
    {
        Nodes = nodes.Where(n => !string.IsNullOrEmpty(n.Node.HttpUrl)).Select(n => n.Node).ToList();
        // Leaving or not answering (Unreachable): the client sends to the next node, which proxies or answers 503.
        var staying = OwnerCandidates.Staying(nodes, n => n.State != NodeState.Active);
        Owners = OwnerCandidates.Owners(staying, n => n.Joining).Select(n => n.Node).ToList();
        Version = version;
    }

    /// <summary>Every node with an HTTP endpoint, leaving ones included (they still answer, and redirect).</summary>
    public IReadOnlyList<NodeInfo> Nodes { get; }

    public IReadOnlyList<NodeInfo> Owners { get; }

    /// <summary>Grows by one with every load.</summary>
    public long Version { get; }

    public NodeInfo OwnerOf(string bucket, string name) =>
        Owners.Count == 0
            ? throw new OaisException(OaisErrorCode.Unavailable, "the cluster lists no nodes")
            : Rendezvous.Owner(ObjectKey.Format(bucket, name), Owners, n => n.NodeId);

    /// <summary>A node for a request any node serves, in turn, so control calls spread over the cluster.</summary>
    public NodeInfo Any() =>
        Nodes.Count == 0
            ? throw new OaisException(OaisErrorCode.Unavailable, "the cluster lists no node with an HTTP endpoint")
            : Nodes[(int)((uint)Interlocked.Increment(ref _next) % Nodes.Count)];

    /// <summary>The node whose endpoint <paramref name="location"/> is on, if this view knows it.</summary>
    public NodeInfo? At(Uri location) =>
        Nodes.FirstOrDefault(n => location.AbsoluteUri.StartsWith(n.HttpUrl.TrimEnd('/') + "/", StringComparison.OrdinalIgnoreCase));
}
