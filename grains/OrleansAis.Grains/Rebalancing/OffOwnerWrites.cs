using Microsoft.Extensions.Logging;
using OrleansAis.Cluster;
using OrleansAis.Grains;
using OrleansAis.Storage;

namespace OrleansAis.Rebalancing;

/// <summary>
/// The one rule for a user write that landed on a node that does not own the object (ownership moved while it was
/// in flight, e.g. its owner just finished rejoining): hand it to the owner before the write is acknowledged, so a
/// read from the owner right after the acknowledgment finds it. Every write path commits through the store, so none
/// has to remember this. If the owner cannot take it now (it just died, say), a rebalance pass hands it over later;
/// until membership settles, reads of a dead owner answer 503, and after that this node owns the object again.
/// </summary>
public sealed partial class OffOwnerWrites(ClusterMap cluster, RebalanceRequests rebalance, IGrainFactory grains, ILogger<OffOwnerWrites> log)
    : IWriteObserver
{
    public async ValueTask AfterWriteAsync(ObjectMeta meta, CancellationToken ct)
    {
        var owner = cluster.Current.OwnerOf(meta.Bucket, meta.Name);
        if (cluster.IsLocal(owner)) return;
        try
        {
            await grains.GetGrain<INodeStoreGrain>(owner.NodeId).Import(meta.Bucket, meta.Name, cluster.Local.NodeId).WaitAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogHandOverLater(log, meta.Bucket, meta.Name, owner.NodeId, e.Message);
            rebalance.Nudge();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand {Bucket}/{Object} to its owner {Owner} now ({Error}); a rebalance pass will")]
    private static partial void LogHandOverLater(ILogger log, string bucket, string @object, string owner, string error);
}
