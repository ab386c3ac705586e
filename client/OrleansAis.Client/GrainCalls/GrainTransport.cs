using OrleansAis.Client.Events;
using OrleansAis.Etl;
using OrleansAis.Events;
using OrleansAis.Client.Http;
using OrleansAis.Grains;
using OrleansAis.Http.Contracts;
using OrleansAis.Jobs;
using OrleansAis.Naming;
using OrleansAis.Ownership;

namespace OrleansAis.Client.GrainCalls;

/// <summary>
/// The whole API as grain calls through the Orleans gateway, for apps that cannot reach the silos' HTTP ports. Object
/// bytes travel in bounded chunks (never one call per object: Orleans messages have a size limit and a response timeout).
/// </summary>
internal sealed class GrainTransport(IClusterClient grains, int chunkBytes, ClusterView membership) : IOaisTransport
{
    private static readonly TimeSpan JobPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>How long after the owners changed a "not found" may still be an object on its way between nodes.</summary>
    private static readonly TimeSpan MembershipSettling = TimeSpan.FromSeconds(30);

    private const int NotFoundAttempts = 6;
    private static readonly TimeSpan NotFoundDelay = TimeSpan.FromMilliseconds(100);

    private IBucketRegistryGrain Buckets => grains.GetGrain<IBucketRegistryGrain>(IBucketRegistryGrain.Key);
    private IEtlRegistryGrain Etls => grains.GetGrain<IEtlRegistryGrain>(IEtlRegistryGrain.Key);
    private IClusterViewGrain ClusterView => grains.GetGrain<IClusterViewGrain>(0);
    private IObjectGrain Object(string bucket, string name) => grains.GetGrain<IObjectGrain>(ObjectKey.Validated(bucket, name));

    public Task<BucketInfo> CreateBucketAsync(string bucket, IReadOnlyDictionary<string, string>? properties, CancellationToken ct) =>
        Buckets.Create(bucket, properties).WaitAsync(ct);

    public Task<BucketInfo?> GetBucketAsync(string bucket, CancellationToken ct) => Buckets.Get(bucket).WaitAsync(ct);

    public Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken ct) => Buckets.List().WaitAsync(ct);

    public Task DeleteBucketAsync(string bucket, bool force, CancellationToken ct) => Buckets.Delete(bucket, force).WaitAsync(ct);

    public Task<ObjectListPage> ListObjectsAsync(string bucket, ListRequest request, CancellationToken ct)
    {
        Names.EnsureValidBucketName(bucket);
        return TransientRetry.RunAsync(() => ClusterView.ListObjects(bucket, request), ct);
    }

    public Task<ObjectMeta> HeadObjectAsync(string bucket, string name, CancellationToken ct) =>
        WhileMovingAsync(() => TransientRetry.RunAsync(Object(bucket, name).Head, ct), ct);

    public Task<ObjectReadStream> OpenReadAsync(string bucket, string name, ObjectRange? range, CancellationToken ct) =>
        WhileMovingAsync(() => ChunkedTransfer.OpenReadAsync(Object(bucket, name), range, chunkBytes, ct), ct);

    /// <summary>
    /// A read, asked again when it finds nothing while the cluster's owners have lately changed: an object handed from
    /// one node to another can be missed on both for a moment. Otherwise a "not found" is the answer at once.
    /// </summary>
    private async Task<T> WhileMovingAsync<T>(Func<Task<T>> read, CancellationToken ct)
    {
        await membership.CurrentAsync(ct); // the baseline a later change is seen against (loaded once, then in the background)
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await read();
            }
            catch (OaisException e) when (e.Code == OaisErrorCode.ObjectNotFound && attempt < NotFoundAttempts)
            {
                await membership.FreshAsync(ct);
                if (!membership.OwnersChangedWithin(MembershipSettling)) throw;
                await Task.Delay(NotFoundDelay * (1 << attempt), ct);
            }
        }
    }

    public async Task<ObjectReadStream> OpenTransformedAsync(string bucket, string name, string etl, string? etlArgs, CancellationToken ct)
    {
        var node = await TransientRetry.RunAsync(Object(bucket, name).Locate, ct);
        var worker = grains.GetGrain<IEtlWorkerGrain>(node.NodeId);
        var transform = await worker.BeginTransform(etl, bucket, name, etlArgs).WaitAsync(ct);
        var content = await ChunkedReadStream.StartAsync(_ => worker.ReadTransformed(transform, chunkBytes), ct);
        var meta = new ObjectMeta { Bucket = bucket, Name = name, Checksum = "", Node = node.NodeId };
        return new ObjectReadStream(content, meta, contentLength: null, isPartial: false, resources: null);
    }

    public Task<ObjectMeta> PutObjectAsync(string bucket, string name, Stream content, PutOptions options, CancellationToken ct) =>
        ChunkedTransfer.PutAsync(Object(bucket, name), content, options, chunkBytes, ct);

    public Task<bool> DeleteObjectAsync(string bucket, string name, CancellationToken ct) => Object(bucket, name).Delete().WaitAsync(ct);

    /// <summary>No grain copies between owners, so the bytes pass through this client, chunk by chunk (never whole).</summary>
    public async Task<ObjectMeta> CopyObjectAsync(string bucket, string name, string toBucket, string toName, CancellationToken ct)
    {
        if (bucket == toBucket && name == toName)
            throw new OaisException(OaisErrorCode.InvalidArgument, $"copy of '{bucket}/{name}' to itself: name another object");
        Names.EnsureValidBucketName(toBucket);
        Names.EnsureValidObjectName(toName);
        await using var source = await OpenReadAsync(bucket, name, range: null, ct);
        var options = new PutOptions { ContentType = source.Meta.ContentType, Custom = source.Meta.Custom, ExpectedSize = source.Meta.Size };
        return await PutObjectAsync(toBucket, toName, source, options, ct);
    }

    public Task<NodeInfo> LocateAsync(string bucket, string name, CancellationToken ct) => TransientRetry.RunAsync(Object(bucket, name).Locate, ct);

    public Task<EtlInfo> InitEtlAsync(EtlSpec spec, CancellationToken ct)
    {
        spec.EnsureValid();
        return Etls.Init(spec).WaitAsync(ct);
    }

    public Task<EtlInfo> InitEtlAsync(string specText, CancellationToken ct) => InitEtlAsync(EtlSpecParser.Parse(specText), ct);

    public Task<IReadOnlyList<EtlInfo>> ListEtlsAsync(CancellationToken ct) => Etls.List().WaitAsync(ct);

    public Task<EtlInfo> GetEtlAsync(string name, CancellationToken ct) => Etls.Get(name).WaitAsync(ct);

    public Task<EtlInfo> StopEtlAsync(string name, CancellationToken ct) => Etls.Stop(name).WaitAsync(ct);

    public Task<EtlInfo> StartEtlAsync(string name, CancellationToken ct) => Etls.Start(name).WaitAsync(ct);

    public Task DeleteEtlAsync(string name, CancellationToken ct) => Etls.Delete(name).WaitAsync(ct);

    public async Task<IReadOnlyDictionary<string, string>> GetEtlLogsAsync(string name, string? node, int lines, CancellationToken ct)
    {
        var info = await Etls.Get(name).WaitAsync(ct);
        if (node is not null && info.Nodes.All(n => n.NodeId != node))
            throw new OaisException(OaisErrorCode.NodeNotFound, $"node '{node}' is not in the cluster");
        var nodes = node is null ? info.Nodes.Select(n => n.NodeId).ToList() : [node];
        var logs = await Task.WhenAll(nodes.Select(async n => (n, text: await grains.GetGrain<IEtlWorkerGrain>(n).Logs(name, lines))));
        return logs.ToDictionary(l => l.n, l => l.text, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<EtlNodeStatus>> GetEtlMetricsAsync(string name, CancellationToken ct) => (await Etls.Get(name).WaitAsync(ct)).Nodes;

    public async Task<EtlCopyResultDto> CopyTransformAsync(string etl, string fromBucket, string fromName, string toBucket, string toName,
        string? etlArgs, CancellationToken ct)
    {
        EtlSpec.EnsureValidName(etl);
        var owner = await LocateAsync(fromBucket, fromName, ct);
        var bytes = await grains.GetGrain<IJobNodeGrain>(owner.NodeId).Copy(etl, fromBucket, fromName, toBucket, toName, etlArgs).WaitAsync(ct);
        return new EtlCopyResultDto(ObjectKey.Format(fromBucket, fromName), ObjectKey.Format(toBucket, toName), etl, bytes, owner.NodeId);
    }

    public Task<EtlJobStatus> StartJobAsync(EtlJobRequest request, CancellationToken ct)
    {
        request.EnsureValid();
        // The same form of id the HTTP API hands out, so either transport can look the job up later.
        var id = "job-" + Guid.NewGuid().ToString("N")[..12];
        return grains.GetGrain<IEtlJobGrain>(id).Start(request).WaitAsync(ct);
    }

    public async Task<IReadOnlyList<EtlJobStatus>> ListJobsAsync(CancellationToken ct)
    {
        var ids = await grains.GetGrain<IJobIndexGrain>(IJobIndexGrain.Key).List().WaitAsync(ct);
        return await Task.WhenAll(ids.Select(id => grains.GetGrain<IEtlJobGrain>(id).Status()));
    }

    public async Task<EtlJobStatus> GetJobAsync(string id, TimeSpan? wait, CancellationToken ct)
    {
        var job = grains.GetGrain<IEtlJobGrain>(id);
        var status = await job.Status().WaitAsync(ct);
        var deadline = DateTime.UtcNow + (wait ?? TimeSpan.Zero);
        while (status.State == JobState.Running && DateTime.UtcNow < deadline)
        {
            await Task.Delay(JobPoll, ct);
            status = await job.Status().WaitAsync(ct);
        }
        return status;
    }

    public Task<EtlJobStatus> AbortJobAsync(string id, CancellationToken ct) => grains.GetGrain<IEtlJobGrain>(id).Abort("aborted by user").WaitAsync(ct);

    public IAsyncEnumerable<ObjectEvent> WatchBucketAsync(string bucket, CancellationToken ct) => new EventWatcher(grains).WatchBucketAsync(bucket, ct);

    public IAsyncEnumerable<JobEvent> WatchJobAsync(string id, CancellationToken ct) => new EventWatcher(grains).WatchJobAsync(id, ct);

    public Task<IReadOnlyList<NodeStats>> GetClusterAsync(CancellationToken ct) => ClusterView.Stats().WaitAsync(ct);

    public async Task<NodeStats> DecommissionAsync(string nodeId, bool shutdown, CancellationToken ct)
    {
        var nodes = await ClusterView.Nodes().WaitAsync(ct);
        if (nodes.All(n => n.NodeId != nodeId))
            throw new OaisException(OaisErrorCode.NodeNotFound, $"no active node '{nodeId}' (active: {string.Join(", ", nodes.Select(n => n.NodeId))})");
        return await grains.GetGrain<INodeStoreGrain>(nodeId).Decommission(shutdown).WaitAsync(ct);
    }
}
