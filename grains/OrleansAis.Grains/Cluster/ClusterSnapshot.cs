using System.Collections.Frozen;
using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansAis.Ownership;

namespace OrleansAis.Cluster;

/// <summary>An active storage node: its Orleans silo and what it published about itself.</summary>
public readonly record struct StoreNode(SiloAddress Silo, NodeInfo Node);

/// <summary>
/// One immutable, versioned view of the storage nodes (AIStore's <c>smap</c> is the model): the active nodes, those
/// joining (active, but not yet reconciled with the nodes that stood in for them), those leaving, those down, and who
/// owns what. <see cref="ClusterMap"/> replaces it whole when membership, a node's metadata or the
/// leaving set changes, so a caller that takes one snapshot decides every object of an operation against the same view.
/// </summary>
public sealed class ClusterSnapshot
{
    private readonly FrozenDictionary<string, NodeInfo> _byId;

    private ClusterSnapshot(long version, MembershipVersion membershipVersion, NodeInfo local, IReadOnlyList<StoreNode> active,
        FrozenSet<string> leaving, FrozenSet<string> joining, FrozenSet<string> down, bool complete)
    {
        Version = version;
        MembershipVersion = membershipVersion;
        Local = local;
        Active = active;
        Leaving = leaving;
        Joining = joining;
        Down = down;
        Complete = complete;
        _byId = active.ToFrozenDictionary(n => n.Node.NodeId, n => n.Node, StringComparer.Ordinal);
        Eventual = OwnerCandidates.Staying(active, n => leaving.Contains(n.Node.NodeId));
        Owners = OwnerCandidates.Owners(Eventual, n => joining.Contains(n.Node.NodeId));
    }

    /// <summary>Grows by one with every replacement on this silo.</summary>
    public long Version { get; }

    /// <summary>The Orleans membership version the snapshot was built from.</summary>
    public MembershipVersion MembershipVersion { get; }

    /// <summary>This silo's node.</summary>
    public NodeInfo Local { get; }

    /// <summary>Every active storage node, leaving ones included, in ordinal silo-address order: where objects may be stored.</summary>
    public IReadOnlyList<StoreNode> Active { get; }

    /// <summary>
    /// The nodes that own objects: the active ones except those leaving and those joining. A joining node owns nothing
    /// (it neither serves nor takes writes) until it has pulled what the others wrote for it while it was away.
    /// </summary>
    public IReadOnlyList<StoreNode> Owners { get; }

    /// <summary>The nodes that will own objects once every joining node has reconciled: the active ones except those leaving.</summary>
    public IReadOnlyList<StoreNode> Eventual { get; }

    /// <summary>Active nodes that have not yet announced they are reconciled and serving: they own nothing yet.</summary>
    public FrozenSet<string> Joining { get; }

    /// <summary>
    /// Nodes that were members and are not active now, without having left gracefully (crashed, stopped, or not yet
    /// back): whatever their disks hold is unavailable, not absent.
    /// </summary>
    public FrozenSet<string> Down { get; }

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

    /// <summary>
    /// The holders of an object once <paramref name="nodeId"/> owns too: the first <paramref name="copies"/> of its ranking
    /// over the owners and that node. This is every object the node may hold while it serves, whichever of the other
    /// joining nodes finish first (more owners only push a node down an object's ranking), so a (re)joining node
    /// reconciles exactly these before it owns anything. Ranking over the eventual owners instead would miss the objects
    /// it owns until another joining node is ready.
    /// </summary>
    public IReadOnlyList<string> HoldersWith(string nodeId, string bucket, string name, int copies) =>
        Rendezvous.Ranked(ObjectKey.Format(bucket, name), Owners.Select(n => n.Node.NodeId).Append(nodeId).Distinct(StringComparer.Ordinal), id => id)
            .Take(copies).ToList();

    /// <summary>
    /// A node that is down and may hold the newest copy of the object: one ranked among the first <paramref name="copies"/>
    /// over the owners and the down nodes together (so also any down node ranked before the current owner). Null
    /// when every node that may hold it is reachable, so a miss means the object does not exist.
    /// </summary>
    public string? DownHolderOf(string bucket, string name, int copies) =>
        Down.Count == 0 ? null
            : Rendezvous.Ranked(ObjectKey.Format(bucket, name), Owners.Select(n => n.Node.NodeId).Concat(Down), id => id)
                .Take(copies).FirstOrDefault(Down.Contains);

    /// <summary>Every other active node, likeliest former owner of the object first: where a copy that moved may still be.</summary>
    public IEnumerable<NodeInfo> OthersByRank(string bucket, string name) =>
        Rendezvous.Ranked(ObjectKey.Format(bucket, name), ActiveNodes, n => n.NodeId).Where(n => !IsLocal(n));

    /// <summary>Builds the view of <paramref name="silos"/> from their published metadata.</summary>
    /// <param name="ready">The silos (incarnations) that announced they are reconciled and serving; the others are joining.</param>
    /// <param name="members">Node ids of every silo membership lists, dead ones included; those not active are down.</param>
    /// <param name="departed">Nodes that left gracefully (announced a leave, then went): not down, they handed everything over.</param>
    public static ClusterSnapshot Build(long version, MembershipVersion membershipVersion, NodeInfo local, IEnumerable<SiloAddress> silos,
        ISiloMetadataCache metadata, IReadOnlySet<string> leaving, IReadOnlySet<SiloAddress> ready, IEnumerable<string> members,
        IReadOnlySet<string> departed)
    {
        var active = new List<StoreNode>();
        var complete = true;
        foreach (var silo in silos.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal))
        {
            if (Describe(silo, metadata) is { } node) active.Add(new StoreNode(silo, node));
            else complete = false;
        }
        var activeIds = active.Select(n => n.Node.NodeId).ToHashSet(StringComparer.Ordinal);
        var joining = active.Where(n => !ready.Contains(n.Silo)).Select(n => n.Node.NodeId).ToFrozenSet(StringComparer.Ordinal);
        var down = members.Where(id => !activeIds.Contains(id) && !departed.Contains(id)).ToFrozenSet(StringComparer.Ordinal);
        return new ClusterSnapshot(version, membershipVersion, local, active, leaving.Where(activeIds.Contains).ToFrozenSet(StringComparer.Ordinal),
            joining, down, complete);
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
