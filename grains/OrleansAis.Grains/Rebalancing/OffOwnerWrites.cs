using OrleansAis.Cluster;
using OrleansAis.Storage;

namespace OrleansAis.Rebalancing;

/// <summary>
/// The one rule for a user write that landed on a node that does not own the object (ownership moved while it was
/// in flight): ask for a rebalance pass, which hands it to its owner. Every write path commits through the store, so
/// none has to remember this.
/// </summary>
public sealed class OffOwnerWrites(ClusterMap cluster, RebalanceRequests rebalance) : IWriteObserver
{
    public ValueTask AfterWriteAsync(ObjectMeta meta, CancellationToken ct)
    {
        if (!cluster.OwnsLocally(meta.Bucket, meta.Name)) rebalance.Nudge();
        return ValueTask.CompletedTask;
    }
}
