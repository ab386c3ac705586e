using Microsoft.Extensions.Logging;
using Orleans.Placement;
using OrleansAis.Buckets;
using OrleansAis.Cluster;
using OrleansAis.Grains;
using OrleansAis.Ownership;
using OrleansAis.Placement;
using OrleansAis.Storage;

namespace OrleansAis.Objects;

/// <summary>
/// One object, living on the silo that owns its bytes. Immovable: Orleans' rebalancers must never carry it away
/// from its data. Uploads in progress are held here (temp files) and discarded if the activation goes away.
/// </summary>
[OwnerPlacement, Immovable]
public sealed class ObjectGrain(LocalObjectStore store, BucketCatalog buckets, ClusterMap cluster, ILogger<ObjectGrain> log)
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
        return store.Head(_bucket, _name) ?? throw OaisException.ObjectNotFound(_bucket, _name);
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
        await using (upload)
        {
            return await upload.CommitAsync();
        }
    }

    public Task AbortWrite(Guid uploadId)
    {
        if (_uploads.Remove(uploadId, out var upload)) upload.Abort();
        return Task.CompletedTask;
    }

    public async Task<byte[]> Read(long version, long offset, int count)
    {
        if (count < 0 || count > Transfer.MaxChunkBytes)
            throw new OaisException(OaisErrorCode.InvalidArgument, $"read of {count} bytes: chunks are 0 to {Transfer.MaxChunkBytes} bytes");
        await buckets.Require(_bucket);
        using var reader = store.OpenRead(_bucket, _name) ?? throw OaisException.ObjectNotFound(_bucket, _name);
        if (reader.Meta.Version != version)
            throw new OaisException(OaisErrorCode.Conflict, $"object '{_bucket}/{_name}' changed (version {reader.Meta.Version}, reading {version})");
        if (offset < 0 || offset > reader.Meta.Size)
            throw new OaisException(OaisErrorCode.InvalidRange, $"offset {offset} is outside the object's {reader.Meta.Size} bytes");
        var buffer = new byte[Math.Min(count, reader.Meta.Size - offset)];
        var n = await reader.ReadAtAsync(offset, buffer);
        return n == buffer.Length ? buffer : buffer[..n];
    }

    public async Task<bool> Delete()
    {
        await buckets.Require(_bucket);
        return await store.DeleteAsync(_bucket, _name);
    }

    public Task<NodeInfo> Locate() => Task.FromResult(cluster.Local);

    private ObjectWriter Upload(Guid id) =>
        _uploads.TryGetValue(id, out var upload)
            ? upload
            : throw new OaisException(OaisErrorCode.InvalidArgument, $"no upload {id} in progress for '{_bucket}/{_name}' (aborted, committed or expired)");
}
