using Orleans.Placement;
using OrleansAis.Buckets;
using OrleansAis.Cluster;
using OrleansAis.Grains;
using OrleansAis.Placement;
using OrleansAis.Rebalancing;
using OrleansAis.Storage;

namespace OrleansAis.Nodes;

/// <summary>One per storage silo, pinned to it (key: node id): remote access to that silo's local store.</summary>
[NodePinnedPlacement, Immovable, KeepAlive]
public sealed class NodeStoreGrain(LocalObjectStore store, BucketCatalog buckets, ClusterMap cluster, ObjectMover mover, Rebalancer rebalancer)
    : Grain, INodeStoreGrain
{
    public override Task OnActivateAsync(CancellationToken ct)
    {
        // The pinned director only ever places this grain on its node; anything else is a wiring bug worth failing loudly.
        if (this.GetPrimaryKeyString() != cluster.Local.NodeId)
            throw new InvalidOperationException($"node store '{this.GetPrimaryKeyString()}' activated on node '{cluster.Local.NodeId}'");
        return Task.CompletedTask;
    }

    public Task<NodeInfo> Info() => Task.FromResult(cluster.Local);

    public Task<NodeStats> Stats()
    {
        var (count, bytes) = store.Totals();
        var drain = rebalancer.Drain;
        return Task.FromResult(new NodeStats
        {
            Node = cluster.Local, Mountpaths = store.Capacity(), ObjectCount = count, ObjectBytes = bytes,
            State = drain.State, DrainedObjects = drain.Moved, DrainError = drain.Error,
        });
    }

    public Task<NodeStats> Decommission(bool shutdown)
    {
        rebalancer.StartDecommission(shutdown);
        return Stats();
    }

    public Task<ObjectListPage> List(string bucket, ListRequest request) => Task.FromResult(store.List(bucket, request));

    public Task<long> Count(string bucket) => Task.FromResult(store.Count(bucket));

    public Task DropBucket(string bucket)
    {
        buckets.Forget(bucket);
        store.DropBucket(bucket);
        return Task.CompletedTask;
    }

    public Task<ObjectMeta?> Find(string bucket, string name) => Task.FromResult(store.Head(bucket, name));

    public Task<byte[]> ReadChunk(string bucket, string name, long version, long offset, int count) =>
        store.ReadChunkAsync(bucket, name, version, offset, count);

    public Task<bool> Remove(string bucket, string name, long version) => store.DeleteAsync(bucket, name, version);

    public Task<ObjectMeta?> Import(string bucket, string name, string fromNode) => mover.PullAsync(bucket, name, fromNode);

    public Task NodeLeaving(string nodeId)
    {
        rebalancer.OnNodeLeaving(nodeId);
        return Task.CompletedTask;
    }
}
