using Microsoft.Extensions.Logging;
using OrleansAis.Cluster;
using OrleansAis.Grains;
using OrleansAis.Ownership;
using OrleansAis.Storage;

namespace OrleansAis.Rebalancing;

/// <summary>
/// Moves objects onto this node when it became their owner (membership changed). The copy streams in bounded chunks
/// from the node that holds it, must match the source checksum, keeps the source version, and only then is the source
/// deleted, so an object is never lost and never visible half-written.
/// </summary>
public sealed class ObjectMover(LocalObjectStore store, ClusterMap cluster, IGrainFactory grains, ILogger<ObjectMover> log)
{
    /// <summary>Moves the object from <paramref name="fromNode"/> here; null when that node does not have it.</summary>
    public async Task<ObjectMeta?> PullAsync(string bucket, string name, string fromNode, CancellationToken ct = default)
    {
        var source = grains.GetGrain<INodeStoreGrain>(fromNode);
        var remote = await source.Find(bucket, name);
        if (remote is null) return store.Head(bucket, name);
        if (DeletedSince(remote))
        {
            // A copy older than a delete made here (its node was down then): it must not come back.
            await source.Remove(bucket, name, remote.Version);
            return store.Head(bucket, name);
        }
        var local = store.Head(bucket, name);
        if (local is not null && !IsNewer(remote, local))
        {
            // Written here after ownership changed (a join), or the source holds an older copy: keep ours.
            await source.Remove(bucket, name, remote.Version);
            return local;
        }
        // Not here, or the source's copy is newer: e.g. written by a stand-in owner while this node was down.
        await CopyVersionAsync(source, remote, fromNode, ct, replacing: local);
        await source.Remove(bucket, name, remote.Version);
        log.LogInformation("Moved {Bucket}/{Object} v{Version} from {From} to {To}", bucket, name, remote.Version, fromNode, cluster.Local.NodeId);
        return store.Head(bucket, name);
    }

    /// <summary>
    /// Copies the object from <paramref name="fromNode"/> here, leaving the source in place (a mirror copy). Returns the
    /// copied metadata, or null when that node does not have the object.
    /// </summary>
    public async Task<ObjectMeta?> CopyAsync(string bucket, string name, string fromNode, CancellationToken ct = default)
    {
        var source = grains.GetGrain<INodeStoreGrain>(fromNode);
        if (await source.Find(bucket, name) is not { } remote || DeletedSince(remote)) return null;
        await CopyVersionAsync(source, remote, fromNode, ct, replacing: store.Head(bucket, name));
        return remote;
    }

    /// <summary>
    /// Last writer wins across nodes, as in S3: versions count overwrites on one node only, so copies written on two
    /// nodes (the owner, and a stand-in while the owner was away) are ordered by their modification time.
    /// </summary>
    private static bool IsNewer(ObjectMeta candidate, ObjectMeta current) => candidate.Modified > current.Modified;

    /// <summary>This node remembers deleting the object after <paramref name="copy"/> was written (last writer wins, deletes included).</summary>
    private bool DeletedSince(ObjectMeta copy) => store.DeletedAt(copy.Bucket, copy.Name) is { } deleted && deleted >= copy.Modified;

    /// <summary>
    /// Streams one version in bounded chunks into a local import that must match the source's checksum. Replacing a
    /// local copy, the version still goes up (readers never see a version number reused for other content).
    /// </summary>
    private async Task CopyVersionAsync(INodeStoreGrain source, ObjectMeta remote, string fromNode, CancellationToken ct, ObjectMeta? replacing = null)
    {
        var version = replacing is null ? remote.Version : Math.Max(remote.Version, replacing.Version + 1);
        await using var writer = store.BeginImport(remote, version);
        for (long offset = 0; offset < remote.Size;)
        {
            var chunk = await source.ReadChunk(remote.Bucket, remote.Name, remote.Version, offset, Transfer.ChunkBytes);
            if (chunk.Length == 0) throw new OaisException(OaisErrorCode.Conflict, $"'{remote.Bucket}/{remote.Name}' on {fromNode} ended early at {offset}");
            await writer.WriteAsync(chunk, ct);
            offset += chunk.Length;
        }
        await writer.CommitAsync(ct);
    }

    /// <summary>
    /// The object is missing here although this node owns it: look on the other nodes (likeliest previous owners first)
    /// and move it here. Null when no node has it.
    /// </summary>
    public async Task<ObjectMeta?> FindElsewhereAsync(string bucket, string name, CancellationToken ct = default)
    {
        // A copy seen on a node may move on (a join, a drain) or change before it is pulled: look again rather than
        // answer "absent" for an object that exists, and answer "unavailable" if it keeps moving.
        for (var attempt = 0; attempt < MoveAttempts; attempt++)
        {
            if (await FindRemoteCopyAsync(bucket, name) is not { } copy) return store.Head(bucket, name); // moved here meanwhile, or absent
            try
            {
                if (await PullAsync(bucket, name, copy.NodeId, ct) is { } moved) return moved;
            }
            catch (OaisException e) when (e.Code is OaisErrorCode.ObjectNotFound or OaisErrorCode.Conflict)
            {
                // It left that node (or changed) while being copied.
            }
            if (store.DeletedAt(bucket, name) is not null && store.Head(bucket, name) is null) return null; // deleted meanwhile
        }
        throw new OaisException(OaisErrorCode.Unavailable, $"object '{bucket}/{name}' is moving between nodes; retry shortly");
    }

    /// <summary>How often a read looks for an object that moved away from where it was just seen.</summary>
    internal const int MoveAttempts = 3;

    /// <summary>A copy of the object on another node, without moving it (owner first, then the likeliest previous owners).</summary>
    public async Task<(ObjectMeta Meta, string NodeId)?> FindRemoteCopyAsync(string bucket, string name)
    {
        foreach (var node in cluster.Current.OthersByRank(bucket, name))
        {
            if (await grains.GetGrain<INodeStoreGrain>(node.NodeId).Find(bucket, name) is { } meta) return (meta, node.NodeId);
        }
        return null;
    }
}
