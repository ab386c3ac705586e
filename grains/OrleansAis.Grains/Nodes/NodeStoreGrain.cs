using Orleans.Concurrency;
using Orleans.Placement;
using OrleansAis.Buckets;
using OrleansAis.Cluster;
using OrleansAis.Grains;
using OrleansAis.Mirroring;
using OrleansAis.Placement;
using OrleansAis.Rebalancing;
using OrleansAis.Storage;

namespace OrleansAis.Nodes;

/// <summary>One per storage silo, pinned to it (key: node id): remote access to that silo's local store.</summary>
// Reentrant: it keeps no state of its own, and two nodes copying objects to each other at once (rebalancing,
// mirroring) each await a ReadChunk from the other's node store.
[NodePinnedPlacement, Immovable, KeepAlive, Reentrant]
public sealed class NodeStoreGrain(LocalObjectStore store, BucketCatalog buckets, ClusterMap cluster, ObjectMover mover, Rebalancer rebalancer,
    Mirrors mirrors, MultipartUploads uploads)
    : Grain, INodeStoreGrain
{
    public Task<IReadOnlyList<UploadEntry>> ListUploads(string bucket, string prefix) =>
        Task.FromResult<IReadOnlyList<UploadEntry>>(uploads.List(bucket, prefix).Select(u => new UploadEntry
        {
            Key = u.Upload.Name, LocalId = u.Id, NodeId = cluster.Local.NodeId, Initiated = u.Upload.Initiated,
            ChecksumAlgorithm = u.Upload.ChecksumAlgorithm, ChecksumType = u.Upload.ChecksumType,
        }).ToList());

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

    public async Task<ObjectMeta?> Import(string bucket, string name, string fromNode)
    {
        var meta = await mover.PullAsync(bucket, name, fromNode);
        if (meta is not null) await mirrors.AfterWriteAsync(meta, CancellationToken.None); // now the owner: restore the copies
        return meta;
    }

    public async Task Mirror(ObjectMeta source, string fromNode)
    {
        if (store.Head(source.Bucket, source.Name) is { } local && local.Checksum == source.Checksum && local.Modified == source.Modified) return;
        await mover.CopyAsync(source.Bucket, source.Name, fromNode);
    }

    public Task<bool> DropCopy(string bucket, string name) => store.DeleteAsync(bucket, name);

    public Task<bool> IsReady() => Task.FromResult(cluster.LocalIsReady);

    public Task<IReadOnlyList<string>> Departed() => Task.FromResult(cluster.Departed);

    public Task NodeReady(string siloAddress)
    {
        cluster.MarkReady(SiloAddress.FromParsableString(siloAddress));
        rebalancer.OnOwnersChanged(); // what this node held for the ready one goes to it
        return Task.CompletedTask;
    }

    public async Task<HeldPage> HeldFor(string nodeId, string? bucket, string? token)
    {
        var view = cluster.Current;
        var local = store.LocalBuckets().Where(b => bucket is null || string.CompareOrdinal(b, bucket) >= 0).ToList();
        for (var i = 0; i < local.Count; i++)
        {
            var name = local[i];
            int copies;
            try
            {
                copies = await mirrors.CopiesAsync(name);
            }
            catch (OaisException e) when (e.Code == OaisErrorCode.BucketNotFound)
            {
                continue; // data of a deleted bucket: its cleanup removes it, nobody reconciles it
            }
            var page = store.List(name, new ListRequest { ContinuationToken = name == bucket ? token : null, PageSize = ListRequest.MaxPageSize });
            var held = page.Entries.Select(e => (Entry: e, Holders: view.HoldersWith(nodeId, name, e.Name, copies)))
                .Where(x => x.Holders.Contains(nodeId, StringComparer.Ordinal))
                .Select(x => new HeldObject(name, x.Entry.Name, x.Entry.Modified, x.Holders.Contains(cluster.Local.NodeId, StringComparer.Ordinal))).ToList();
            if (page.ContinuationToken is not null) return new HeldPage { Objects = held, NextBucket = name, NextToken = page.ContinuationToken };
            if (held.Count > 0) return new HeldPage { Objects = held, NextBucket = i + 1 < local.Count ? local[i + 1] : null };
        }
        return new HeldPage();
    }

    public Task<bool> RebalanceIdle() => Task.FromResult(rebalancer.Idle);

    public async Task<IReadOnlyList<Tombstone>> DeletedFor(string nodeId)
    {
        var view = cluster.Current;
        var found = new List<Tombstone>();
        foreach (var delete in store.RememberedDeletes())
        {
            int copies;
            try
            {
                copies = await mirrors.CopiesAsync(delete.Bucket);
            }
            catch (OaisException e) when (e.Code == OaisErrorCode.BucketNotFound)
            {
                continue;
            }
            if (view.HoldersWith(nodeId, delete.Bucket, delete.Name, copies).Contains(nodeId, StringComparer.Ordinal)) found.Add(delete);
        }
        return found;
    }

    public Task<DateTimeOffset?> DeletedAt(string bucket, string name) => Task.FromResult(store.DeletedAt(bucket, name));

    public Task NodeLeaving(string nodeId)
    {
        rebalancer.OnNodeLeaving(nodeId);
        return Task.CompletedTask;
    }
}
