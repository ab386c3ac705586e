using Microsoft.Extensions.Logging;
using Orleans.Placement;
using OrleansAis.Buckets;
using OrleansAis.Cluster;
using OrleansAis.Consistency;
using OrleansAis.Grains;
using OrleansAis.Mirroring;
using OrleansAis.Ownership;
using OrleansAis.Placement;
using OrleansAis.Rebalancing;
using OrleansAis.Storage;

namespace OrleansAis.Objects;

/// <summary>
/// One object, living on the silo that owns its bytes. Immovable: Orleans' rebalancers must never carry it away
/// from its data. Uploads in progress are held here (temp files) and discarded if the activation goes away.
/// </summary>
[OwnerPlacement, Immovable]
public sealed class ObjectGrain(
    LocalObjectStore store, BucketCatalog buckets, ClusterMap cluster, ObjectMover mover, Rebalancer rebalancer, Mirrors mirrors,
    IEnumerable<IDeleteObserver> deletes, Reconciler reconciler, ILogger<ObjectGrain> log)
    : Grain, IObjectGrain
{
    private readonly Dictionary<Guid, ObjectWriter> _uploads = [];
    private string _bucket = "";
    private string _name = "";

    public override Task OnActivateAsync(CancellationToken ct)
    {
        (_bucket, _name) = ObjectKey.Parse(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken ct)
    {
        foreach (var upload in _uploads.Values) upload.Abort();
        if (_uploads.Count > 0) log.LogWarning("Discarded {Count} unfinished uploads of {Bucket}/{Object}", _uploads.Count, _bucket, _name);
        _uploads.Clear();
        return Task.CompletedTask;
    }

    public async Task<ObjectMeta> Head()
    {
        await buckets.Require(_bucket);
        return (await FindCopy())?.Meta ?? throw await NotFoundAsync();
    }

    /// <summary>
    /// Unavailable is not absent: when a node that may hold the object (it ranks among its holders, or before the
    /// current owner) is down, a miss here proves nothing, so the answer is 503 naming that node rather than 404.
    /// </summary>
    private async Task<OaisException> NotFoundAsync()
    {
        var down = cluster.Current.DownHolderOf(_bucket, _name, await mirrors.CopiesAsync(_bucket));
        return down is null
            ? OaisException.ObjectNotFound(_bucket, _name)
            : new OaisException(OaisErrorCode.Unavailable, $"object '{_bucket}/{_name}' may be on node {down}, which is down; retry when it is back");
    }

    public async Task<Guid> BeginWrite(PutOptions options)
    {
        await buckets.Require(_bucket);
        var id = Guid.NewGuid();
        _uploads[id] = store.BeginWrite(_bucket, _name, options);
        return id;
    }

    public async Task AppendWrite(Guid uploadId, byte[] chunk)
    {
        if (chunk.Length > Transfer.MaxChunkBytes)
        {
            await AbortWrite(uploadId);
            throw new OaisException(OaisErrorCode.InvalidArgument, $"chunk of {chunk.Length} bytes exceeds the {Transfer.MaxChunkBytes}-byte limit");
        }
        var upload = Upload(uploadId);
        try
        {
            await upload.WriteAsync(chunk);
        }
        catch
        {
            _uploads.Remove(uploadId);
            upload.Abort();
            throw;
        }
    }

    public async Task<ObjectMeta> CommitWrite(Guid uploadId)
    {
        var upload = Upload(uploadId);
        _uploads.Remove(uploadId);
        ObjectMeta meta;
        await using (upload) meta = await upload.CommitAsync();
        OnOwner(); // written here while ownership moved: this activation is re-placed on the owner once idle
        return meta;
    }

    public Task AbortWrite(Guid uploadId)
    {
        if (_uploads.Remove(uploadId, out var upload)) upload.Abort();
        return Task.CompletedTask;
    }

    public async Task<byte[]> Read(long version, long offset, int count)
    {
        await buckets.Require(_bucket);
        for (var attempt = 1; ; attempt++)
        {
            var copy = await FindCopy() ?? throw await NotFoundAsync();
            try
            {
                return copy.NodeId == cluster.Local.NodeId
                    ? await store.ReadChunkAsync(_bucket, _name, version, offset, count)
                    : await GrainFactory.GetGrain<INodeStoreGrain>(copy.NodeId).ReadChunk(_bucket, _name, version, offset, count);
            }
            catch (OaisException e) when (e.Code == OaisErrorCode.ObjectNotFound)
            {
                // The copy moved on (a join, a drain) between finding and reading it: find it again; it exists, so never 404.
                if (attempt >= ObjectMover.MoveAttempts)
                    throw new OaisException(OaisErrorCode.Unavailable, $"object '{_bucket}/{_name}' is moving between nodes; retry shortly");
            }
        }
    }

    public Task<bool> Delete() => DeleteIf(null);

    public async Task<bool> DeleteIf(ObjectCondition? condition)
    {
        await buckets.Require(_bucket);
        var copies = await mirrors.CopiesAsync(_bucket);
        // Ownership just moved and the copy is still on a former owner: take it here first, or the delete would miss it.
        if (store.Head(_bucket, _name) is null && rebalancer.MovesMayBePending && OnOwner() && cluster.Current.DownHolderOf(_bucket, _name, copies) is null)
            await mover.FindElsewhereAsync(_bucket, _name);
        var deleted = await store.DeleteAsync(_bucket, _name, condition: condition is { IsEmpty: false } ? condition : null);
        await mirrors.AfterDeleteAsync(_bucket, _name);
        if (deleted) foreach (var observer in deletes) observer.Deleted(_bucket, _name, cluster.Local.NodeId);
        else if (cluster.Current.DownHolderOf(_bucket, _name, copies) is not null) throw await NotFoundAsync(); // 503: it may be on that node
        return deleted;
    }

    /// <summary>The node to send the bytes to: this one, or the owner when ownership moved away (e.g. this node is leaving).</summary>
    public Task<NodeInfo> Locate() => Task.FromResult(OnOwner() ? cluster.Local : cluster.Current.OwnerOf(_bucket, _name));

    /// <summary>
    /// Orleans does not move live activations when silos join or leave. When this activation is no longer on the owner,
    /// ask to be re-placed once idle (the placement director then picks the owner).
    /// </summary>
    private bool OnOwner()
    {
        if (cluster.OwnsLocally(_bucket, _name)) return true;
        this.MigrateOnIdle();
        return false;
    }

    /// <summary>
    /// Where the object's bytes are: normally here. On the owner, a copy still on another node (ownership moved) is
    /// pulled here first; an activation left on a former owner reads from wherever the copy now is.
    /// </summary>
    private async Task<(ObjectMeta Meta, string NodeId)?> FindCopy()
    {
        if (!reconciler.Reconciled) await reconciler.RefreshAsync(_bucket, _name);
        if (store.Head(_bucket, _name) is { } local)
        {
            if (cluster.NewerMayBeOn(local, await mirrors.CopiesAsync(_bucket)) is { } down) throw MayBeNewerOn(down);
            return (local, cluster.Local.NodeId);
        }
        if (!rebalancer.MovesMayBePending) return null;
        if (OnOwner())
        {
            // A node that is down may hold a newer version than any copy still reachable: do not serve one of those.
            if (cluster.Current.DownHolderOf(_bucket, _name, await mirrors.CopiesAsync(_bucket)) is not null) return null;
            return await mover.FindElsewhereAsync(_bucket, _name) is { } moved ? (moved, cluster.Local.NodeId) : null;
        }
        return await mover.FindRemoteCopyAsync(_bucket, _name);
    }

    private OaisException MayBeNewerOn(string down) =>
        new(OaisErrorCode.Unavailable, $"object '{_bucket}/{_name}' may have a newer version on node {down}, which is down; retry when it is back");

    private ObjectWriter Upload(Guid id) =>
        _uploads.TryGetValue(id, out var upload)
            ? upload
            : throw new OaisException(OaisErrorCode.InvalidArgument, $"no upload {id} in progress for '{_bucket}/{_name}' (aborted, committed or expired)");
}
