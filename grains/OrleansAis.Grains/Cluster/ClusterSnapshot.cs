using System.Collections.Frozen;
using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansAis.Ownership;

namespace OrleansAis.Cluster;

/// <summary>An active storage node: its Orleans silo and what it published about itself.</summary>
public readonly record struct StoreNode(SiloAddress Silo, NodeInfo Node);

/// <summary>
/// One immutable, versioned view of the storage nodes (AIStore's <c>smap</c> is the model): the active nodes, those
/// leaving, and who owns what. <see cref="ClusterMap"/> replaces it whole when membership, a node's metadata or the
/// leaving set changes, so a caller that takes one snapshot decides every object of an operation against the same view.
/// </summary>
public sealed class ClusterSnapshot
{
    private readonly FrozenDictionary<string, NodeInfo> _byId;

    private ClusterSnapshot(long version, MembershipVersion membershipVersion, NodeInfo local, IReadOnlyList<StoreNode> active,
        FrozenSet<string> leaving, bool complete)
    {
        Version = version;
        MembershipVersion = membershipVersion;
        Local = local;
        Active = active;
        Leaving = leaving;
        Complete = complete;
        _byId = active.ToFrozenDictionary(n => n.Node.NodeId, n => n.Node, StringComparer.Ordinal);
        var staying = leaving.Count == 0 ? active : active.Where(n => !leaving.Contains(n.Node.NodeId)).ToList();
        // Everyone is leaving (the whole cluster stops): they still own their objects rather than nobody owning them.
        Owners = staying.Count > 0 ? staying : active;
    }

    /// <summary>Grows by one with every replacement on this silo.</summary>
    public long Version { get; }

    /// <summary>The Orleans membership version the snapshot was built from.</summary>
    public MembershipVersion MembershipVersion { get; }

    /// <summary>This silo's node.</summary>
    public NodeInfo Local { get; }

    /// <summary>Every active storage node, leaving ones included, in ordinal silo-address order: where objects may be stored.</summary>
    public IReadOnlyList<StoreNode> Active { get; }

    /// <summary>The nodes that own objects: the active ones except those leaving.</summary>
    public IReadOnlyList<StoreNode> Owners { get; }

    /// <summary>Active nodes that announced a graceful leave: members that own nothing.</summary>
    public FrozenSet<string> Leaving { get; }

    /// <summary>False while some active silo's metadata has not arrived: ownership decided now may still change.</summary>
    public bool Complete { get; }

    public IEnumerable<NodeInfo> ActiveNodes => Active.Select(n => n.Node);

    public bool LocalIsLeaving => Leaving.Contains(Local.NodeId);

    public bool IsLocal(NodeInfo node) => node.NodeId == Local.NodeId;

    /// <summary>The active node with this id, if any.</summary>
    public NodeInfo? Node(string nodeId) => _byId.GetValueOrDefault(nodeId);

    public NodeInfo OwnerOf(string bucket, string name) => OwnerOfKey(ObjectKey.Format(bucket, name)).Node;

    /// <summary>The owner of a <c>bucket/object</c> key; this node while no owner is known (e.g. before membership is up).</summary>
    public StoreNode OwnerOfKey(string key) =>
        Owners.Count == 0 ? new StoreNode(SiloAddress.Zero, Local) : Rendezvous.Owner(key, Owners, n => n.Node.NodeId);

    /// <summary>The nodes that hold an object kept in <paramref name="copies"/> copies: its owner first, then the next in its ranking.</summary>
    public IReadOnlyList<NodeInfo> HoldersOf(string bucket, string name, int copies) =>
        Owners.Count == 0 ? [Local] : Rendezvous.Ranked(ObjectKey.Format(bucket, name), Owners.Select(n => n.Node), n => n.NodeId).Take(copies).ToList();

    /// <summary>Every other active node, likeliest former owner of the object first: where a copy that moved may still be.</summary>
    public IEnumerable<NodeInfo> OthersByRank(string bucket, string name) =>
        Rendezvous.Ranked(ObjectKey.Format(bucket, name), ActiveNodes, n => n.NodeId).Where(n => !IsLocal(n));

    /// <summary>Builds the view of <paramref name="silos"/> from their published metadata.</summary>
    public static ClusterSnapshot Build(long version, MembershipVersion membershipVersion, NodeInfo local, IEnumerable<SiloAddress> silos,
        ISiloMetadataCache metadata, IReadOnlySet<string> leaving)
    {
        var active = new List<StoreNode>();
        var complete = true;
        foreach (var silo in silos.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal))
        {
            if (Describe(silo, metadata) is { } node) active.Add(new StoreNode(silo, node));
            else complete = false;
        }
        var members = active.Select(n => n.Node.NodeId).ToHashSet(StringComparer.Ordinal);
        return new ClusterSnapshot(version, membershipVersion, local, active, leaving.Where(members.Contains).ToFrozenSet(StringComparer.Ordinal), complete);
    }

    /// <summary>The storage node a silo published itself as; null while its metadata has not arrived.</summary>
    public static NodeInfo? Describe(SiloAddress silo, ISiloMetadataCache metadata)
    {
        var values = metadata.GetSiloMetadata(silo).Metadata;
        if (!values.TryGetValue(NodeMetadata.NodeId, out var id) || string.IsNullOrEmpty(id)) return null;
        return new NodeInfo
        {
            NodeId = id,
            SiloAddress = silo.ToParsableString(),
            HttpUrl = values.TryGetValue(NodeMetadata.HttpUrl, out var url) ? url : "",
        };
    }
}
