using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansAis.Client.GrainCalls;
using OrleansAis.Client.Http;
using OrleansAis.Etl;
using OrleansAis.Events;
using OrleansAis.Grains;
using OrleansAis.Http.Contracts;
using OrleansAis.Jobs;
using OrleansAis.Naming;

namespace OrleansAis.Client;

/// <summary>
/// Everything the OrleansAis API does, as typed async calls: buckets, objects (streams both ways), ETL, offline jobs and
/// the cluster. Over HTTP (object requests straight to the owner, which the client computes itself) or over grain calls
/// through the Orleans gateway (<see cref="ObjectTransport"/>); either way the same calls, results and
/// <see cref="OaisException"/> codes. Thread-safe; make one and share it.
/// </summary>
public sealed class OaisClient : IDisposable
{
    private static readonly TimeSpan JobPollInterval = TimeSpan.FromSeconds(1);

    private readonly Func<Task<IOaisTransport>> _choose;
    private Task<IOaisTransport>? _transport;
    private readonly HttpClient? _ownedHttp;

    /// <summary>Over an Orleans client: grain calls, or HTTP to the nodes it lists (see <see cref="OaisClientOptions.Transport"/>).</summary>
    public OaisClient(IClusterClient cluster, IOptions<OaisClientOptions>? options = null, IHttpClientFactory? httpClients = null,
        ILoggerFactory? logging = null)
        : this(cluster, options?.Value ?? new OaisClientOptions(), httpClients?.CreateClient(HttpClientName), logging)
    {
    }

    /// <summary>HTTP only, no Orleans: the node list is loaded from <paramref name="endpoint"/> (any node of the cluster).</summary>
    public OaisClient(Uri endpoint, OaisClientOptions? options = null, HttpClient? http = null, ILoggerFactory? logging = null)
        : this((IClusterClient?)null, WithEndpoint(options ?? new OaisClientOptions(), endpoint), http, logging)
    {
    }

    private OaisClient(IClusterClient? grains, OaisClientOptions options, HttpClient? http, ILoggerFactory? logging)
    {
        OaisClientOptionsValidator.EnsureValid(options);
        if (options.Transport == ObjectTransport.Grain && grains is null)
            throw new ArgumentException("the grain transport needs an Orleans client", nameof(options));
        if (options.Transport == ObjectTransport.Http && grains is null && options.Endpoints.Count == 0)
            throw new ArgumentException($"the HTTP transport needs {nameof(OaisClientOptions.Endpoints)} or an Orleans client", nameof(options));
        if (http is null) http = _ownedHttp = CreateHttpClient();
        var log = (logging ?? NullLoggerFactory.Instance).CreateLogger<OaisClient>();
        _choose = () => ChooseAsync(grains, options, http, log);
    }

    /// <summary>The name of the <see cref="IHttpClientFactory"/> client <see cref="OaisClientServiceCollectionExtensions.AddOaisClient"/> configures.</summary>
    public const string HttpClientName = "oais-client";

    /// <summary>
    /// The handler an owner-routing client needs: redirects are not followed by the handler (a 307 means "not mine",
    /// which the client acts on), connections are pooled and renewed now and then (DNS changes).
    /// </summary>
    public static SocketsHttpHandler CreateHttpHandler() => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    private static HttpClient CreateHttpClient() => new(CreateHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };

    private static OaisClientOptions WithEndpoint(OaisClientOptions options, Uri endpoint) => new()
    {
        Transport = options.Transport == ObjectTransport.Grain ? ObjectTransport.Grain : ObjectTransport.Http,
        ChunkBytes = options.ChunkBytes,
        ClusterRefreshInterval = options.ClusterRefreshInterval,
        Endpoints = [endpoint.AbsoluteUri, .. options.Endpoints],
    };

    private static async Task<IOaisTransport> ChooseAsync(IClusterClient? grains, OaisClientOptions options, HttpClient http, ILogger log)
    {
        var seeds = options.Endpoints.Select(e => new Uri(e)).ToList();
        if (options.Transport == ObjectTransport.Grain) return new GrainTransport(grains!, options.ChunkBytes, GrainMembership(grains!, options, log));
        ClusterView? view = null;
        Func<CancellationToken, Task<IReadOnlyList<NodeStats>>> load = seeds.Count > 0 || grains is null
            // The nodes last seen first (the cluster as it is now), then the configured ones (where it started).
            ? ct => HttpTransport.LoadNodesAsync(http, (view?.Last?.Nodes.Select(n => new Uri(n.HttpUrl)) ?? []).Concat(seeds), ct)
            : ct => grains.GetGrain<IClusterViewGrain>(0).Stats().WaitAsync(ct);
        view = new ClusterView(load, options.ClusterRefreshInterval, TimeProvider.System, log);
        if (options.Transport == ObjectTransport.Auto && grains is not null && seeds.Count == 0)
        {
            var nodes = await view.RefreshAsync(CancellationToken.None);
            // Some owner publishes no HTTP endpoint: objects it owns could not be read over HTTP.
            if (nodes.Nodes.Count == 0 || nodes.Owners.Any(o => string.IsNullOrEmpty(o.HttpUrl))) return new GrainTransport(grains, options.ChunkBytes, view);
        }
        return new HttpTransport(http, view);
    }

    /// <summary>The grain transport's watch on the owners: only to tell a moving object from a missing one.</summary>
    private static ClusterView GrainMembership(IGrainFactory grains, OaisClientOptions options, ILogger log) =>
        new(ct => grains.GetGrain<IClusterViewGrain>(0).Stats().WaitAsync(ct), options.ClusterRefreshInterval, TimeProvider.System, log);

    /// <summary>The transport, chosen on first use; a choice that failed (no node answered yet) is made again next time.</summary>
    private Task<IOaisTransport> Transport
    {
        get
        {
            var current = Volatile.Read(ref _transport);
            if (current is { IsFaulted: false, IsCanceled: false }) return current;
            var fresh = _choose();
            return Interlocked.CompareExchange(ref _transport, fresh, current) == current ? fresh : Volatile.Read(ref _transport)!;
        }
    }

    // ---- buckets ----

    /// <summary>Creates a bucket. Properties are kept as given, except <see cref="BucketProperties.Copies"/> (mirroring), which the store acts on.</summary>
    public async Task<BucketInfo> CreateBucketAsync(string bucket, IReadOnlyDictionary<string, string>? properties = null, CancellationToken ct = default)
    {
        Names.EnsureValidBucketName(bucket);
        BucketProperties.Validate(properties);
        return await (await Transport).CreateBucketAsync(bucket, properties, ct);
    }

    /// <summary>Creates a mirrored bucket: every object kept on <paramref name="copies"/> nodes (its owner and the next in its ranking).</summary>
    public Task<BucketInfo> CreateMirroredBucketAsync(string bucket, int copies, IReadOnlyDictionary<string, string>? properties = null,
        CancellationToken ct = default)
    {
        var all = new Dictionary<string, string>(properties ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [BucketProperties.Copies] = copies.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return CreateBucketAsync(bucket, all, ct);
    }

    /// <summary>The bucket with its properties; null when it does not exist.</summary>
    public async Task<BucketInfo?> GetBucketAsync(string bucket, CancellationToken ct = default)
    {
        Names.EnsureValidBucketName(bucket);
        return await (await Transport).GetBucketAsync(bucket, ct);
    }

    public async Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken ct = default) => await (await Transport).ListBucketsAsync(ct);

    /// <summary>Deletes the bucket; with <paramref name="force"/> also its objects, else it must be empty (<see cref="OaisErrorCode.BucketNotEmpty"/>).</summary>
    public async Task DeleteBucketAsync(string bucket, bool force = false, CancellationToken ct = default)
    {
        Names.EnsureValidBucketName(bucket);
        await (await Transport).DeleteBucketAsync(bucket, force, ct);
    }

    // ---- objects ----

    public async Task<ObjectMeta> HeadObjectAsync(string bucket, string name, CancellationToken ct = default)
    {
        ObjectKey(bucket, name);
        return await (await Transport).HeadObjectAsync(bucket, name, ct);
    }

    /// <summary>
    /// Opens the object (a <paramref name="range"/> of it, or its output through ETL <paramref name="etl"/>) for reading,
    /// straight from the node that serves it; returns once the answer's headers are in. Dispose the stream when done.
    /// </summary>
    public async Task<ObjectReadStream> OpenReadAsync(string bucket, string name, string? etl = null, string? etlArgs = null, ObjectRange? range = null,
        CancellationToken ct = default)
    {
        ObjectKey(bucket, name);
        if (etl is null) return await (await Transport).OpenReadAsync(bucket, name, range, ct);
        EtlSpec.EnsureValidName(etl);
        if (range is not null) throw new ArgumentException("a range applies to stored bytes, not to an ETL's output", nameof(range));
        return await (await Transport).OpenTransformedAsync(bucket, name, etl, etlArgs, ct);
    }

    /// <summary>Copies the object (or <paramref name="length"/> bytes of it from <paramref name="offset"/>) into <paramref name="destination"/>.</summary>
    public async Task<ObjectMeta> GetObjectAsync(string bucket, string name, Stream destination, long offset = 0, long? length = null, CancellationToken ct = default)
    {
        var range = offset != 0 || length is not null ? new ObjectRange(offset, length) : (ObjectRange?)null;
        await using var source = await OpenReadAsync(bucket, name, range: range, ct: ct);
        await source.CopyToAsync(destination, ct);
        return source.Meta;
    }

    /// <summary>Streams the object transformed by ETL <paramref name="etlName"/> (on its owner) into <paramref name="destination"/>.</summary>
    public async Task GetTransformedAsync(string bucket, string name, string etlName, Stream destination, string? etlArgs = null, CancellationToken ct = default)
    {
        await using var source = await OpenReadAsync(bucket, name, etlName, etlArgs, ct: ct);
        await source.CopyToAsync(destination, ct);
    }

    /// <summary>
    /// Writes the object from <paramref name="content"/> (read to its end, streamed), with the content type, custom
    /// metadata and optional checksum/size/condition of <paramref name="options"/>; visible atomically once complete.
    /// </summary>
    public async Task<ObjectMeta> PutObjectAsync(string bucket, string name, Stream content, PutOptions? options = null, CancellationToken ct = default)
    {
        ObjectKey(bucket, name);
        return await (await Transport).PutObjectAsync(bucket, name, content, options ?? PutOptions.Default, ct);
    }

    /// <summary>Deletes the object; false when there was none.</summary>
    public async Task<bool> DeleteObjectAsync(string bucket, string name, CancellationToken ct = default)
    {
        ObjectKey(bucket, name);
        return await (await Transport).DeleteObjectAsync(bucket, name, ct);
    }

    /// <summary>Copies the object to <paramref name="toBucket"/>/<paramref name="toName"/>, keeping its content type and metadata.</summary>
    public async Task<ObjectMeta> CopyObjectAsync(string bucket, string name, string toBucket, string toName, CancellationToken ct = default)
    {
        ObjectKey(bucket, name);
        ObjectKey(toBucket, toName);
        return await (await Transport).CopyObjectAsync(bucket, name, toBucket, toName, ct);
    }

    /// <summary>The node a request for the object goes to: over HTTP computed from the client's node list, no call.</summary>
    public async Task<NodeInfo> LocateObjectAsync(string bucket, string name, CancellationToken ct = default)
    {
        ObjectKey(bucket, name);
        return await (await Transport).LocateAsync(bucket, name, ct);
    }

    /// <summary>One page of the bucket's objects in name order; follow <see cref="ObjectListPage.ContinuationToken"/> for the next.</summary>
    public async Task<ObjectListPage> ListObjectsAsync(string bucket, ListRequest? request = null, CancellationToken ct = default)
    {
        Names.EnsureValidBucketName(bucket);
        return await (await Transport).ListObjectsAsync(bucket, request ?? new ListRequest(), ct);
    }

    /// <summary>Every object of the bucket (optionally under a prefix) in name order, page by page.</summary>
    public async IAsyncEnumerable<ObjectEntry> EnumerateObjectsAsync(string bucket, string prefix = "", [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? token = null;
        do
        {
            var page = await ListObjectsAsync(bucket, new ListRequest { Prefix = prefix, ContinuationToken = token }, ct);
            foreach (var entry in page.Entries) yield return entry;
            token = page.ContinuationToken;
        } while (token is not null);
    }

    // ---- many objects ----

    /// <summary>
    /// Reads the named objects (through <see cref="ReadManyOptions.Etl"/>, if set) in parallel, each from its owner,
    /// yielding each one read completely. Memory stays bounded: about twice the parallelism of objects at once (ordered:
    /// the look-ahead). A read that fails after retries ends the enumeration with its error.
    /// </summary>
    public IAsyncEnumerable<ObjectRead> ReadManyAsync(string bucket, IEnumerable<string> names, ReadManyOptions? options = null,
        CancellationToken ct = default) =>
        ReadManyAsync(bucket, ToAsync(names), options, ct);

    /// <summary>Reads every object under <paramref name="prefix"/> (listing and reading overlap); ordered means name order.</summary>
    public IAsyncEnumerable<ObjectRead> ReadManyAsync(string bucket, string prefix, ReadManyOptions? options = null, CancellationToken ct = default) =>
        ReadManyAsync(bucket, EnumerateObjectsAsync(bucket, prefix, ct).Select(e => e.Name), options, ct);

    private IAsyncEnumerable<ObjectRead> ReadManyAsync(string bucket, IAsyncEnumerable<string> names, ReadManyOptions? options, CancellationToken ct)
    {
        Names.EnsureValidBucketName(bucket);
        options ??= new ReadManyOptions();
        options.EnsureValid();
        if (options.Etl is { } etl) EtlSpec.EnsureValidName(etl);
        return DatasetReader.ReadAsync(names, (name, token) => OpenReadAsync(bucket, name, options.Etl, options.EtlArgs, ct: token), options, ct);
    }

    private static async IAsyncEnumerable<string> ToAsync(IEnumerable<string> names)
    {
        foreach (var name in names) yield return name;
        await Task.CompletedTask;
    }

    // ---- ETL ----

    /// <summary>Registers the ETL and starts its transformer on every node (fails, leaving it Aborted, if any node cannot).</summary>
    public async Task<EtlInfo> InitEtlAsync(EtlSpec spec, CancellationToken ct = default)
    {
        spec.EnsureValid();
        return await (await Transport).InitEtlAsync(spec, ct);
    }

    /// <summary>Registers an ETL from its spec as JSON or YAML text (AIStore's field names); a bad field is named in the error.</summary>
    public async Task<EtlInfo> InitEtlAsync(string specText, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(specText);
        return await (await Transport).InitEtlAsync(specText, ct);
    }

    public async Task<IReadOnlyList<EtlInfo>> ListEtlsAsync(CancellationToken ct = default) => await (await Transport).ListEtlsAsync(ct);

    public async Task<EtlInfo> GetEtlAsync(string name, CancellationToken ct = default)
    {
        EtlSpec.EnsureValidName(name);
        return await (await Transport).GetEtlAsync(name, ct);
    }

    public async Task<EtlInfo> StopEtlAsync(string name, CancellationToken ct = default)
    {
        EtlSpec.EnsureValidName(name);
        return await (await Transport).StopEtlAsync(name, ct);
    }

    public async Task<EtlInfo> StartEtlAsync(string name, CancellationToken ct = default)
    {
        EtlSpec.EnsureValidName(name);
        return await (await Transport).StartEtlAsync(name, ct);
    }

    public async Task DeleteEtlAsync(string name, CancellationToken ct = default)
    {
        EtlSpec.EnsureValidName(name);
        await (await Transport).DeleteEtlAsync(name, ct);
    }

    /// <summary>The last <paramref name="lines"/> lines of each node's transformer log (or one node's), by node id.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetEtlLogsAsync(string name, string? node = null, int lines = 100, CancellationToken ct = default)
    {
        EtlSpec.EnsureValidName(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(lines, 1);
        return await (await Transport).GetEtlLogsAsync(name, node, lines, ct);
    }

    /// <summary>Each node's counters for the ETL: objects, bytes in and out, errors, restarts, stage.</summary>
    public async Task<IReadOnlyList<EtlNodeStatus>> GetEtlMetricsAsync(string name, CancellationToken ct = default)
    {
        EtlSpec.EnsureValidName(name);
        return await (await Transport).GetEtlMetricsAsync(name, ct);
    }

    /// <summary>Transforms one object with the ETL on its owner and stores the result as <paramref name="toBucket"/>/<paramref name="toName"/>.</summary>
    public async Task<EtlCopyResultDto> CopyTransformAsync(string etl, string fromBucket, string fromName, string toBucket, string toName,
        string? etlArgs = null, CancellationToken ct = default)
    {
        EtlSpec.EnsureValidName(etl);
        ObjectKey(fromBucket, fromName);
        ObjectKey(toBucket, toName);
        return await (await Transport).CopyTransformAsync(etl, fromBucket, fromName, toBucket, toName, etlArgs, ct);
    }

    // ---- offline jobs ----

    /// <summary>Starts an offline ETL job (bucket to bucket, a list or a template of names; transform, dry run or inspect).</summary>
    public async Task<EtlJobStatus> StartJobAsync(EtlJobRequest request, CancellationToken ct = default)
    {
        request.EnsureValid();
        return await (await Transport).StartJobAsync(request, ct);
    }

    /// <summary>Recent jobs, newest first.</summary>
    public async Task<IReadOnlyList<EtlJobStatus>> ListJobsAsync(CancellationToken ct = default) => await (await Transport).ListJobsAsync(ct);

    public async Task<EtlJobStatus> GetJobAsync(string id, CancellationToken ct = default) => await (await Transport).GetJobAsync(id, wait: null, ct);

    /// <summary>
    /// Waits until the job is no longer running and returns how it ended, reporting to <paramref name="progress"/> as the
    /// job's events arrive (each node about once a second). The end is always confirmed by the job's status; without
    /// events (an Orleans client built without <c>AddOaisEvents</c>, or a stream that broke) it long polls the status.
    /// </summary>
    public async Task<EtlJobStatus> WaitJobAsync(string id, IProgress<JobProgress>? progress = null, CancellationToken ct = default)
    {
        var transport = await Transport;
        var status = await transport.GetJobAsync(id, wait: null, ct);
        progress?.Report(JobProgress.Of(status));
        if (status.State != JobState.Running) return status;
        try
        {
            var latest = status.Nodes.ToDictionary(n => n.NodeId, StringComparer.Ordinal);
            await foreach (var e in transport.WatchJobAsync(id, ct))
            {
                if (e.IsFinal) break;
                if (e.Kind != JobEventKind.Progress || e.Node is not { } node) continue;
                latest[node] = JobProgress.NodeOf(e, latest.GetValueOrDefault(node));
                progress?.Report(JobProgress.Of(new EtlJobStatus
                {
                    Id = status.Id, Request = status.Request, State = status.State, Started = status.Started, Nodes = latest.Values.ToList(),
                }));
            }
        }
        catch (OaisException e) when (e.Code == OaisErrorCode.Unavailable)
        {
            // no events here: the long poll below reports about once a second instead
        }
        while (true)
        {
            status = await transport.GetJobAsync(id, JobPollInterval, ct);
            progress?.Report(JobProgress.Of(status));
            if (status.State != JobState.Running) return status;
        }
    }

    public async Task<EtlJobStatus> AbortJobAsync(string id, CancellationToken ct = default) => await (await Transport).AbortJobAsync(id, ct);

    // ---- events ----

    /// <summary>
    /// Objects created, overwritten and deleted in <paramref name="bucket"/> (docs/EVENTS.md), from when the subscription
    /// is in place (enumeration starts it) until cancelled. Over grain calls the Orleans client needs
    /// <c>AddOaisEvents()</c>; over HTTP they come from <c>GET /v1/events</c>. At most once: an event can be lost.
    /// </summary>
    public async IAsyncEnumerable<ObjectEvent> WatchBucketAsync(string bucket, [EnumeratorCancellation] CancellationToken ct = default)
    {
        Names.EnsureValidBucketName(bucket);
        await foreach (var e in (await Transport).WatchBucketAsync(bucket, ct)) yield return e;
    }

    /// <summary>
    /// The job's progress (per node, in the order each node reported it) and state changes, ending with its final state
    /// (a job that already ended yields just that). The end does not depend on the last event arriving: a quiet stream
    /// is checked against the job's status.
    /// </summary>
    public async IAsyncEnumerable<JobEvent> WatchJobAsync(string jobId, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        await foreach (var e in (await Transport).WatchJobAsync(jobId, ct)) yield return e;
    }

    // ---- cluster ----

    /// <summary>Every node with its state, storage and object counts.</summary>
    public async Task<IReadOnlyList<NodeStats>> GetClusterAsync(CancellationToken ct = default) => await (await Transport).GetClusterAsync(ct);

    public async Task<IReadOnlyList<NodeInfo>> ListNodesAsync(CancellationToken ct = default) =>
        (await GetClusterAsync(ct)).Select(n => n.Node).ToList();

    /// <summary>Starts handing the node's objects to the others; with <paramref name="shutdown"/> it stops once drained.</summary>
    public async Task<NodeStats> DecommissionAsync(string nodeId, bool shutdown = false, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        return await (await Transport).DecommissionAsync(nodeId, shutdown, ct);
    }

    private static void ObjectKey(string bucket, string name) => Ownership.ObjectKey.Validated(bucket, name);

    public void Dispose() => _ownedHttp?.Dispose();
}
