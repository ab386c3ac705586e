using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansAis.Ownership;

namespace OrleansAis.Cluster;

/// <summary>Turns Orleans silos into storage nodes (via their published metadata) and picks owners among them.</summary>
public static class StoreNodes
{
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

    public static List<(SiloAddress Silo, NodeInfo Node)> Describe(IEnumerable<SiloAddress> silos, ISiloMetadataCache metadata)
    {
        var nodes = new List<(SiloAddress, NodeInfo)>();
        foreach (var silo in silos)
        {
            if (Describe(silo, metadata) is { } node) nodes.Add((silo, node));
        }
        return nodes;
    }

    /// <summary>The owner of <c>bucket/object</c> <paramref name="key"/>: rendezvous over the nodes' stable ids.</summary>
    public static (SiloAddress Silo, NodeInfo Node) Owner(string key, IReadOnlyList<(SiloAddress Silo, NodeInfo Node)> nodes) =>
        Rendezvous.Owner(key, nodes, n => n.Node.NodeId);
}
