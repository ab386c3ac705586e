using OrleansAis.Buckets;
using OrleansAis.Cluster;
using Microsoft.Extensions.Logging;
using OrleansAis.Grains;
using OrleansAis.Rebalancing;
using OrleansAis.Storage;

namespace OrleansAis.Mirroring;

/// <summary>
/// n-way mirroring (bucket property <c>copies</c>): an object of such a bucket lives on the first <c>copies</c> nodes
/// of its rendezvous ranking, the owner first. The owner puts the other copies in place before a write is
/// acknowledged, so losing a node loses nothing: the next node in the ranking, which becomes the owner, already holds
/// the object. After membership changes the <see cref="Rebalancing.Rebalancer"/> restores the count.
/// A write whose copy failed is still acknowledged, because it is stored and readable: answering 503 would tell the
/// client a visible write failed. Mirroring is then degraded for that object (logged and counted) until the next
/// rebalance pass, which is asked for at once, puts the missing copy in place.
/// </summary>
public sealed partial class Mirrors(ClusterMap cluster, BucketCatalog buckets, IGrainFactory grains, RebalanceRequests rebalance,
    RebalanceMetrics metrics, ILogger<Mirrors> log) : IWriteObserver
{
    /// <summary>How many copies objects of the bucket get.</summary>
    public async ValueTask<int> CopiesAsync(string bucket) => BucketProperties.CopiesOf(await buckets.Require(bucket));

    public async ValueTask AfterWriteAsync(ObjectMeta meta, CancellationToken ct)
    {
        var copies = await CopiesAsync(meta.Bucket);
        if (copies <= 1) return;
        var holders = cluster.Current.HoldersOf(meta.Bucket, meta.Name, copies);
        // Written off its owner while ownership moves: the rebalancer hands it to the owner, which mirrors it then.
        if (!cluster.IsLocal(holders[0])) return;
        try
        {
            await EnsureMirrorsAsync(meta, holders);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            metrics.MirrorDegraded();
            LogDegraded(log, meta.Bucket, meta.Name, e.Message);
            rebalance.Nudge();
        }
    }

    /// <summary>Makes every holder after the owner (this node) hold <paramref name="meta"/>'s version.</summary>
    public Task EnsureMirrorsAsync(ObjectMeta meta, IReadOnlyList<NodeInfo> holders) =>
        Task.WhenAll(holders.Skip(1).Select(async node =>
        {
            try
            {
                await grains.GetGrain<INodeStoreGrain>(node.NodeId).Mirror(meta, cluster.Local.NodeId);
            }
            catch (Exception e) when (e is not OaisException)
            {
                throw new OaisException(OaisErrorCode.Unavailable,
                    $"'{meta.Bucket}/{meta.Name}' was stored on {cluster.Local.NodeId} but its copy on {node.NodeId} failed: {e.Message}");
            }
        }));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored {Bucket}/{Object} with fewer copies than its bucket asks for ({Error}); the next rebalance pass restores them")]
    private static partial void LogDegraded(ILogger log, string bucket, string @object, string error);

    /// <summary>After the owner deleted its copy: deletes every other node's copy of a mirrored object.</summary>
    public async Task AfterDeleteAsync(string bucket, string name)
    {
        if (await CopiesAsync(bucket) <= 1) return;
        var view = cluster.Current;
        await Task.WhenAll(view.ActiveNodes.Where(n => !view.IsLocal(n))
            .Select(n => grains.GetGrain<INodeStoreGrain>(n.NodeId).DropCopy(bucket, name)));
    }
}
