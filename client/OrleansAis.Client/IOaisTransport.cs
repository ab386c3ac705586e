using OrleansAis.Etl;
using OrleansAis.Events;
using OrleansAis.Http.Contracts;
using OrleansAis.Jobs;

namespace OrleansAis.Client;

/// <summary>
/// What <see cref="OaisClient"/> asks of the cluster, one method per operation of the API. Two implementations: HTTP
/// (the contract's typed client, object requests sent straight to their owner) and grains (bounded-chunk calls through
/// the Orleans gateway). Both fail with <see cref="OaisException"/> and its code, whatever the wire said.
/// </summary>
internal interface IOaisTransport
{
    Task<BucketInfo> CreateBucketAsync(string bucket, IReadOnlyDictionary<string, string>? properties, CancellationToken ct);
    Task<BucketInfo?> GetBucketAsync(string bucket, CancellationToken ct);
    Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken ct);
    Task DeleteBucketAsync(string bucket, bool force, CancellationToken ct);

    Task<ObjectListPage> ListObjectsAsync(string bucket, ListRequest request, CancellationToken ct);
    Task<ObjectMeta> HeadObjectAsync(string bucket, string name, CancellationToken ct);
    Task<ObjectReadStream> OpenReadAsync(string bucket, string name, ObjectRange? range, CancellationToken ct);
    Task<ObjectReadStream> OpenTransformedAsync(string bucket, string name, string etl, string? etlArgs, CancellationToken ct);
    Task<ObjectMeta> PutObjectAsync(string bucket, string name, Stream content, PutOptions options, CancellationToken ct);
    Task<bool> DeleteObjectAsync(string bucket, string name, CancellationToken ct);
    Task<ObjectMeta> CopyObjectAsync(string bucket, string name, string toBucket, string toName, CancellationToken ct);
    /// <summary>The node this client would send a request for the object to (computed, no call).</summary>
    Task<NodeInfo> LocateAsync(string bucket, string name, CancellationToken ct);

    Task<EtlInfo> InitEtlAsync(EtlSpec spec, CancellationToken ct);
    Task<EtlInfo> InitEtlAsync(string specText, CancellationToken ct);
    Task<IReadOnlyList<EtlInfo>> ListEtlsAsync(CancellationToken ct);
    Task<EtlInfo> GetEtlAsync(string name, CancellationToken ct);
    Task<EtlInfo> StopEtlAsync(string name, CancellationToken ct);
    Task<EtlInfo> StartEtlAsync(string name, CancellationToken ct);
    Task DeleteEtlAsync(string name, CancellationToken ct);
    Task<IReadOnlyDictionary<string, string>> GetEtlLogsAsync(string name, string? node, int lines, CancellationToken ct);
    Task<IReadOnlyList<EtlNodeStatus>> GetEtlMetricsAsync(string name, CancellationToken ct);
    Task<EtlCopyResultDto> CopyTransformAsync(string etl, string fromBucket, string fromName, string toBucket, string toName, string? etlArgs,
        CancellationToken ct);

    Task<EtlJobStatus> StartJobAsync(EtlJobRequest request, CancellationToken ct);
    Task<IReadOnlyList<EtlJobStatus>> ListJobsAsync(CancellationToken ct);
    /// <summary>The job's status; with <paramref name="wait"/>, once it is no longer running or the wait is over.</summary>
    Task<EtlJobStatus> GetJobAsync(string id, TimeSpan? wait, CancellationToken ct);
    Task<EtlJobStatus> AbortJobAsync(string id, CancellationToken ct);

    /// <summary>Objects created, overwritten and deleted in the bucket, from when the subscription is in place, until cancelled.</summary>
    IAsyncEnumerable<ObjectEvent> WatchBucketAsync(string bucket, CancellationToken ct);
    /// <summary>The job's progress and state events, ending with its final state (see <see cref="Events.JobEventFollower"/>).</summary>
    IAsyncEnumerable<JobEvent> WatchJobAsync(string id, CancellationToken ct);

    Task<IReadOnlyList<NodeStats>> GetClusterAsync(CancellationToken ct);
    Task<NodeStats> DecommissionAsync(string nodeId, bool shutdown, CancellationToken ct);
}
