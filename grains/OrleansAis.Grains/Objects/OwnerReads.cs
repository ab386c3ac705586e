using OrleansAis.Cluster;
using OrleansAis.Consistency;
using OrleansAis.Grains;
using OrleansAis.Mirroring;
using OrleansAis.Ownership;
using OrleansAis.Storage;

namespace OrleansAis.Objects;

/// <summary>
/// The one read path on an object's owner, for every API that streams an object from this node (AIS GET, S3 GET,
/// inline ETL): the local copy, or, right after a membership change, the copy its object grain first moves here from
/// the former owner. While this node is finishing its join, a peer's newer copy is pulled first (see <see cref="Reconciler"/>).
/// </summary>
public sealed class OwnerReads(LocalObjectStore store, IGrainFactory grains, ClusterMap cluster, Reconciler reconciler, Mirrors mirrors)
{
    public async ValueTask<ObjectReader> OpenAsync(string bucket, string name)
    {
        if (!reconciler.Reconciled) await reconciler.RefreshAsync(bucket, name);
        if (store.OpenRead(bucket, name) is { } reader)
        {
            // A stand-in's leftover while the node that took the object back (and maybe newer writes) is down: not served.
            if (cluster.Current.Down.Count == 0 || cluster.NewerMayBeOn(reader.Meta, await mirrors.CopiesAsync(bucket)) is not { } down) return reader;
            reader.Dispose();
            throw new OaisException(OaisErrorCode.Unavailable,
                $"object '{bucket}/{name}' may have a newer version on node {down}, which is down; retry when it is back");
        }
        await grains.GetGrain<IObjectGrain>(ObjectKey.Format(bucket, name)).Head(); // not found anywhere -> 404, or 503 when a node that may hold it is down
        return store.OpenRead(bucket, name)
            ?? throw new OaisException(OaisErrorCode.Unavailable, $"object '{bucket}/{name}' is moving to node {cluster.Local.NodeId}; retry shortly");
    }
}
