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

    /// <summary>
    /// Every node's stats; a node that does not answer in time is listed as Unreachable with the reason. Joining is
    /// this silo's view, the one its routing decides by.
    /// </summary>
    public async Task<IReadOnlyList<NodeStats>> Stats()
    {
        var view = cluster.Current;
        return await Task.WhenAll(view.ActiveNodes.Select(async n =>
        {
            var answer = await calls.Ask(n.NodeId, () => GrainFactory.GetGrain<INodeStoreGrain>(n.NodeId).Stats());
            var stats = answer.Value ?? new NodeStats { Node = n, State = NodeState.Unreachable, Error = answer.Unreachable };
            return view.Joining.Contains(n.NodeId) ? WithJoining(stats) : stats;
        }));
    }

    private static NodeStats WithJoining(NodeStats s) => new()
    {
        Node = s.Node, Mountpaths = s.Mountpaths, ObjectCount = s.ObjectCount, ObjectBytes = s.ObjectBytes, State = s.State,
        DrainedObjects = s.DrainedObjects, DrainError = s.DrainError, Error = s.Error, Joining = true,
    };

    public async Task<ObjectListPage> ListObjects(string bucket, ListRequest request)
    {
        var size = request.EffectivePageSize;
        var view = cluster.Current;
        var answers = await Task.WhenAll(view.ActiveNodes.Select(async n =>
        {
            try
            {
                return (n.NodeId, Page: await GrainFactory.GetGrain<INodeStoreGrain>(n.NodeId).List(bucket, request));
            }
            catch (Exception e) when (e is not OaisException)
            {
                return (n.NodeId, Page: (ObjectListPage?)null); // crashed, not yet declared dead
            }
        }));
        var pages = answers.Where(a => a.Page is not null).Select(a => a.Page!).ToList();
        // Unavailable is not absent: with a node down (or silent) the merge may miss objects only it holds, unless the
        // bucket keeps more copies than there are nodes down.
        var copies = BucketProperties.CopiesOf(await buckets.Require(bucket));
        var silent = answers.Where(a => a.Page is null).Select(a => a.NodeId).ToList();
        var unavailable = silent.Count + view.Down.Count >= copies ? view.Down.Concat(silent).Order(StringComparer.Ordinal).ToList() : [];
        if (unavailable.Count > 0 && !request.AllowPartial)
            throw new OaisException(OaisErrorCode.Unavailable,
                $"bucket '{bucket}' cannot be listed completely: node(s) {string.Join(", ", unavailable)} are down or did not answer; retry, or allow a partial listing");
        // Each node returned its `size` smallest names after the token, so the `size` smallest of the union are exact.
        // A name held by two nodes (mid-move) is listed once: the owner's copy is the authoritative one.
        var merged = pages.SelectMany(p => p.Entries)
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ThenByDescending(e => e.Node == view.OwnerOf(bucket, e.Name).NodeId)
            .DistinctBy(e => e.Name).ToList();
        var more = merged.Count > size || pages.Any(p => p.ContinuationToken is not null);
        var entries = merged.Count > size ? merged.GetRange(0, size) : merged;
        return new ObjectListPage { Entries = entries, ContinuationToken = more && entries.Count > 0 ? entries[^1].Name : null, Unavailable = unavailable };
    }
}
