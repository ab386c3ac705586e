using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;
using OrleansAis.Cluster;
using OrleansAis.Ownership;

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
/// Places on the owner in this silo's <see cref="ClusterSnapshot"/>, the view HTTP routing, jobs and rebalancing use.
/// Orleans' placement view can differ from membership for a moment (a silo just joined or died): then the same owner
/// function runs over the compatible silos only. Thread-safe singleton.
/// </summary>
public sealed class OwnerPlacementDirector(ClusterMap cluster, ISiloMetadataCache metadata) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        // An explicit migration target (e.g. rebalancing) wins, as with Orleans' own directors.
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) is { } hint) return Task.FromResult(hint);
        var key = KeyOf(target);
        var snapshot = cluster.Current;
        var owner = snapshot.OwnerOfKey(key).Silo;
        if (owner != SiloAddress.Zero && silos.Contains(owner)) return Task.FromResult(owner);
        // Among the compatible silos: the reconciled owners first, a joining node only when no owner is compatible.
        var usable = snapshot.Owners.Where(n => silos.Contains(n.Silo)).ToList();
        if (usable.Count == 0) usable = snapshot.Eventual.Where(n => silos.Contains(n.Silo)).ToList();
        if (usable.Count == 0)
        {
            var compatible = ClusterSnapshot.Build(snapshot.Version, snapshot.MembershipVersion, snapshot.Local, silos, metadata, snapshot.Leaving,
                silos.ToHashSet(), [], new HashSet<string>());
            usable = compatible.Owners.ToList();
        }
        if (usable.Count == 0)
            throw new OrleansException($"no storage silo is active to own '{target.GrainIdentity.Key}'");
        return Task.FromResult(Rendezvous.Owner(key, usable, n => n.Node.NodeId).Silo);
    }

    /// <summary>
    /// The grain's string key exactly as the caller gave it (<c>IdSpan.ToString()</c> escapes some characters, e.g.
    /// '%', which would hash a different key than the HTTP router does).
    /// </summary>
    internal static string KeyOf(PlacementTarget target) => System.Text.Encoding.UTF8.GetString(target.GrainIdentity.Key.AsSpan());
}
