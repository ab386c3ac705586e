using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansAis.Ownership;

namespace OrleansAis.Cluster;

/// <summary>This silo's view of the storage nodes that are active now, and who owns what.</summary>
public sealed class ClusterMap(
    IClusterMembershipService membership, ISiloMetadataCache metadata, ILocalSiloDetails localSilo, IOptions<NodeOptions> node)
{
    public NodeInfo Local { get; } = new()
    {
        NodeId = node.Value.RequiredId,
        SiloAddress = localSilo.SiloAddress.ToParsableString(),
        HttpUrl = node.Value.HttpUrl ?? "",
    };

    public IReadOnlyList<(SiloAddress Silo, NodeInfo Node)> Active() =>
        StoreNodes.Describe(
            membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress)
                .OrderBy(s => s.ToParsableString(), StringComparer.Ordinal),
            metadata);

    public IReadOnlyList<NodeInfo> ActiveNodes() => Active().Select(n => n.Node).ToList();

    public NodeInfo OwnerOf(string bucket, string name)
    {
        var nodes = Active();
        return nodes.Count == 0 ? Local : StoreNodes.Owner(ObjectKey.Format(bucket, name), nodes).Node;
    }

    public bool IsLocal(NodeInfo node) => node.NodeId == Local.NodeId;
}
