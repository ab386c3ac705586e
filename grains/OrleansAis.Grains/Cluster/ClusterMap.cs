using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansAis.Ownership;

namespace OrleansAis.Cluster;

/// <summary>This silo's view of the storage nodes that are active now, and who owns what.</summary>
public sealed class ClusterMap(
    IClusterMembershipService membership, ISiloMetadataCache metadata, ILocalSiloDetails localSilo, IOptions<NodeOptions> node,
    LeavingNodes leaving)
{
    public NodeInfo Local { get; } = new()
    {
        NodeId = node.Value.RequiredId,
        SiloAddress = localSilo.SiloAddress.ToParsableString(),
        HttpUrl = node.Value.HttpUrl ?? "",
    };

    /// <summary>Every active storage node, leaving ones included: where objects may be stored (listing, finding copies).</summary>
    public IReadOnlyList<(SiloAddress Silo, NodeInfo Node)> Active() =>
        StoreNodes.Describe(
            membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress)
                .OrderBy(s => s.ToParsableString(), StringComparer.Ordinal),
            metadata);

    public IReadOnlyList<NodeInfo> ActiveNodes() => Active().Select(n => n.Node).ToList();

    /// <summary>The nodes that own objects: the active ones except those leaving.</summary>
    public IReadOnlyList<(SiloAddress Silo, NodeInfo Node)> Owners()
    {
        var active = Active();
        leaving.Retain(active.Select(n => n.Node.NodeId));
        return leaving.Exclude(active, n => n.Node.NodeId);
    }

    public NodeInfo OwnerOf(string bucket, string name)
    {
        var nodes = Owners();
        return nodes.Count == 0 ? Local : StoreNodes.Owner(ObjectKey.Format(bucket, name), nodes).Node;
    }

    /// <summary>The nodes that hold an object kept in <paramref name="copies"/> copies: its owner first, then the next in its ranking.</summary>
    public IReadOnlyList<NodeInfo> HoldersOf(string bucket, string name, int copies)
    {
        var nodes = Owners();
        if (nodes.Count == 0) return [Local];
        return Rendezvous.Ranked(ObjectKey.Format(bucket, name), nodes.Select(n => n.Node), n => n.NodeId).Take(copies).ToList();
    }

    public bool IsLocal(NodeInfo node) => node.NodeId == Local.NodeId;

    /// <summary>True while this node is handing its objects over before it leaves.</summary>
    public bool LocalIsLeaving => leaving.Contains(Local.NodeId);
}
