using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;
using OrleansAis.Cluster;

namespace OrleansAis.Placement;

/// <summary>Places a grain keyed <c>bucket/object</c> on the silo that owns the object's bytes.</summary>
[Serializable, GenerateSerializer, Immutable, Alias("oais.OwnerPlacement")]
public sealed class OwnerPlacement : PlacementStrategy
{
    public static OwnerPlacement Singleton { get; } = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class OwnerPlacementAttribute() : PlacementAttribute(OwnerPlacement.Singleton);

/// <summary>
/// Rendezvous over the compatible silos' stable node ids (<see cref="StoreNodes.Owner"/>), leaving nodes excluded as in
/// <see cref="ClusterMap.Owners"/>. Thread-safe singleton.
/// </summary>
public sealed class OwnerPlacementDirector(ISiloMetadataCache metadata, LeavingNodes leaving) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        // An explicit migration target (e.g. rebalancing) wins, as with Orleans' own directors.
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) is { } hint) return Task.FromResult(hint);
        var nodes = leaving.Exclude(StoreNodes.Describe(silos, metadata), n => n.Node.NodeId);
        if (nodes.Count == 0)
            throw new OrleansException($"no storage silo is active to own '{target.GrainIdentity.Key}'");
        return Task.FromResult(StoreNodes.Owner(KeyOf(target), nodes).Silo);
    }

    /// <summary>
    /// The grain's string key exactly as the caller gave it (<c>IdSpan.ToString()</c> escapes some characters, e.g.
    /// '%', which would hash a different key than the HTTP router does).
    /// </summary>
    internal static string KeyOf(PlacementTarget target) => System.Text.Encoding.UTF8.GetString(target.GrainIdentity.Key.AsSpan());
}
