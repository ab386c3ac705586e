using Orleans.Concurrency;
using OrleansAis.Buckets;
using OrleansAis.Cluster;
using OrleansAis.Grains;
using OrleansAis.Status;

namespace OrleansAis.Nodes;

/// <summary>Cluster-wide reads assembled from every node; a stateless worker, so it runs on the silo that was asked.</summary>
[StatelessWorker]
public sealed class ClusterViewGrain(ClusterMap cluster, BucketCatalog buckets, NodeCalls calls) : Grain, IClusterViewGrain
{
    public Task<IReadOnlyList<NodeInfo>> Nodes() => Task.FromResult<IReadOnlyList<NodeInfo>>(cluster.Current.ActiveNodes.ToList());

    /// <summary>Every node's stats; a node that does not answer in time is listed as Unreachable with the reason.</summary>
    public async Task<IReadOnlyList<NodeStats>> Stats() =>
        await Task.WhenAll(cluster.Current.ActiveNodes.Select(async n =>
        {
            var answer = await calls.Ask(n.NodeId, () => GrainFactory.GetGrain<INodeStoreGrain>(n.NodeId).Stats());
            return answer.Value ?? new NodeStats { Node = n, State = NodeState.Unreachable, Error = answer.Unreachable };
        }));

    public async Task<ObjectListPage> ListObjects(string bucket, ListRequest request)
    {
        await buckets.Require(bucket);
        var size = request.EffectivePageSize;
        var view = cluster.Current;
        var pages = await Task.WhenAll(view.ActiveNodes.Select(n => GrainFactory.GetGrain<INodeStoreGrain>(n.NodeId).List(bucket, request)));
        // Each node returned its `size` smallest names after the token, so the `size` smallest of the union are exact.
        // A name held by two nodes (mid-move) is listed once: the owner's copy is the authoritative one.
        var merged = pages.SelectMany(p => p.Entries)
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ThenByDescending(e => e.Node == view.OwnerOf(bucket, e.Name).NodeId)
            .DistinctBy(e => e.Name).ToList();
        var more = merged.Count > size || pages.Any(p => p.ContinuationToken is not null);
        var entries = merged.Count > size ? merged.GetRange(0, size) : merged;
        return new ObjectListPage { Entries = entries, ContinuationToken = more && entries.Count > 0 ? entries[^1].Name : null };
    }
}
