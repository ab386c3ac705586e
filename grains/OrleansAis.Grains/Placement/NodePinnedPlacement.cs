using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;
using OrleansAis.Cluster;

namespace OrleansAis.Placement;

/// <summary>Places a grain keyed by a node id on exactly that node's silo, and nowhere else: one grain per silo.</summary>
[Serializable, GenerateSerializer, Immutable, Alias("oais.NodePinnedPlacement")]
public sealed class NodePinnedPlacement : PlacementStrategy
{
    public static NodePinnedPlacement Singleton { get; } = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NodePinnedPlacementAttribute() : PlacementAttribute(NodePinnedPlacement.Singleton);

public sealed class NodePinnedPlacementDirector(ISiloMetadataCache metadata) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var nodeId = OwnerPlacementDirector.KeyOf(target);
        foreach (var silo in context.GetCompatibleSilos(target))
        {
            if (ClusterSnapshot.Describe(silo, metadata)?.NodeId == nodeId) return Task.FromResult(silo);
        }
        throw new OaisException(OaisErrorCode.Unavailable, $"storage node '{nodeId}' is not active in the cluster");
    }
}
