using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OrleansAis.Client.Events;
using OrleansAis.Etl;
using OrleansAis.Events;
using OrleansAis.Http.Contracts;
using OrleansAis.Jobs;
using OrleansAis.Ownership;

namespace OrleansAis.Client.Http;

/// <summary>
/// The whole API over HTTP, through the contract's typed <see cref="OaisHttpClient"/>. Object requests go straight to
/// the owner this client computes from its <see cref="ClusterView"/> (no lookup per object); a node that is not the
/// owner answers 307, which is followed and makes the view reload. Control requests go to any node, in turn.
/// </summary>
internal sealed class HttpTransport(HttpClient http, ClusterView view) : IOaisTransport
{
    /// <summary>How often one request may be redirected or retried on another node before it fails.</summary>
    private const int MaxHops = 6;

    /// <summary>How long after the client saw the owners change a "not found" may still be an object on its way.</summary>
    private static readonly TimeSpan MembershipSettling = TimeSpan.FromSeconds(30);

    private const int CopyBufferBytes = 1 << 20;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, OaisHttpClient> _clients = new(StringComparer.Ordinal);

    private OaisHttpClient At(NodeInfo node) => At(node.HttpUrl);

    private OaisHttpClient At(string url) => _clients.GetOrAdd(url, u => new OaisHttpClient(http, new Uri(u)));

    public async Task<BucketInfo> CreateBucketAsync(string bucket, IReadOnlyDictionary<string, string>? properties, CancellationToken ct) =>
        HttpModel.Bucket(await AnyAsync(api => api.CreateBucketAsync(bucket, properties, ct), idempotent: false, ct));

    public async Task<BucketInfo?> GetBucketAsync(string bucket, CancellationToken ct) =>
        (await ListBucketsAsync(ct)).FirstOrDefault(b => b.Name == bucket);

    public async Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken ct) =>
        (await AnyAsync(api => api.ListBucketsAsync(ct), idempotent: true, ct)).Select(HttpModel.Bucket).ToList();

    public Task DeleteBucketAsync(string bucket, bool force, CancellationToken ct) =>
        AnyAsync(async api => { await api.DeleteBucketAsync(bucket, force, ct); return true; }, idempotent: false, ct);

    public async Task<ObjectListPage> ListObjectsAsync(string bucket, ListRequest request, CancellationToken ct) =>
        HttpModel.Page(await AnyAsync(api => api.ListObjectsPageAsync(bucket, request.Prefix, request.EffectivePageSize, request.ContinuationToken, ct),
            idempotent: true, ct));

    public async Task<ObjectMeta> HeadObjectAsync(string bucket, string name, CancellationToken ct) =>
        HttpModel.Meta(await AtOwnerAsync(bucket, name, api => api.HeadObjectAsync(bucket, name, ct), retry: true, ct));

    public async Task<ObjectReadStream> OpenReadAsync(string bucket, string name, ObjectRange? range, CancellationToken ct)
    {
        var header = range?.ToHeader();
        var download = await AtOwnerAsync(bucket, name, api => api.GetObjectAsync(bucket, name, header, ct), retry: true, ct);
        return new ObjectReadStream(download.Content, HttpModel.Meta(download.Metadata), download.Response.Content.Headers.ContentLength,
            download.IsPartial, download);
    }

    public async Task<ObjectReadStream> OpenTransformedAsync(string bucket, string name, string etl, string? etlArgs, CancellationToken ct)
    {
        var download = await AtOwnerAsync(bucket, name, api => api.GetTransformedAsync(etl, bucket, name, etlArgs, ct), retry: true, ct);
        var length = download.Response.Content.Headers.ContentLength;
        return new ObjectReadStream(download.Content, HttpModel.Meta(download.Metadata), length, isPartial: false, download);
    }

    public async Task<ObjectMeta> PutObjectAsync(string bucket, string name, Stream content, PutOptions options, CancellationToken ct)
    {
        var body = new StreamContent(content, CopyBufferBytes);
        body.Headers.ContentType = MediaTypeHeaderValue.Parse(options.ContentType ?? "application/octet-stream");
        if (options.ExpectedSize is { } size) body.Headers.ContentLength = size;
        var expected = await OwnerAsync(bucket, name, ct);
        // Not retried: the body is gone once sent. A node that is not the owner proxies the PUT to it, so a stale view
        // costs a hop, and the answer names the node that stored it.
        var meta = await Translated(() => At(expected).PutObjectAsync(bucket, name, body, options.Custom, options.ExpectedChecksum,
            options.Condition?.IfMatch, options.Condition?.IfNoneMatch, ct), view);
        if (meta.Node != expected.NodeId) view.Stale();
        return HttpModel.Meta(meta);
    }

    public async Task<bool> DeleteObjectAsync(string bucket, string name, CancellationToken ct)
    {
        var owner = await OwnerAsync(bucket, name, ct);
        try
        {
            await Translated(async () => { await At(owner).DeleteObjectAsync(bucket, name, ct); return true; }, view);
            return true;
        }
        catch (OaisException e) when (e.Code == OaisErrorCode.ObjectNotFound)
        {
            return false;
        }
    }

    public async Task<ObjectMeta> CopyObjectAsync(string bucket, string name, string toBucket, string toName, CancellationToken ct)
    {
        // The destination's owner does the copy; asking it saves the hop of being proxied there.
        var owner = await OwnerAsync(toBucket, toName, ct);
        return HttpModel.Meta(await Translated(() => At(owner).CopyObjectAsync(bucket, name, toBucket, toName, ct), view));
    }

    public Task<NodeInfo> LocateAsync(string bucket, string name, CancellationToken ct) => OwnerAsync(bucket, name, ct);

    private async Task<NodeInfo> OwnerAsync(string bucket, string name, CancellationToken ct) => (await view.CurrentAsync(ct)).OwnerOf(bucket, name);

    public Task<EtlInfo> InitEtlAsync(EtlSpec spec, CancellationToken ct) => InitEtlAsync(HttpModel.SpecText(spec), ct);

    public async Task<EtlInfo> InitEtlAsync(string specText, CancellationToken ct) =>
        HttpModel.Etl(await AnyAsync(api => api.InitEtlAsync(specText, ct), idempotent: false, ct));

    public async Task<IReadOnlyList<EtlInfo>> ListEtlsAsync(CancellationToken ct)
    {
        var names = await AnyAsync(api => api.ListEtlsAsync(ct), idempotent: true, ct);
        return await Task.WhenAll(names.Select(e => GetEtlAsync(e.Name, ct)));
    }

    public async Task<EtlInfo> GetEtlAsync(string name, CancellationToken ct) =>
        HttpModel.Etl(await AnyAsync(api => api.GetEtlAsync(name, ct), idempotent: true, ct));

    public async Task<EtlInfo> StopEtlAsync(string name, CancellationToken ct) =>
        HttpModel.Etl(await AnyAsync(api => api.StopEtlAsync(name, ct), idempotent: true, ct));

    public async Task<EtlInfo> StartEtlAsync(string name, CancellationToken ct) =>
        HttpModel.Etl(await AnyAsync(api => api.StartEtlAsync(name, ct), idempotent: true, ct));

    public Task DeleteEtlAsync(string name, CancellationToken ct) =>
        AnyAsync(async api => { await api.DeleteEtlAsync(name, ct); return true; }, idempotent: false, ct);

    public async Task<IReadOnlyDictionary<string, string>> GetEtlLogsAsync(string name, string? node, int lines, CancellationToken ct) =>
        (await AnyAsync(api => api.GetEtlLogsAsync(name, node, lines, ct), idempotent: true, ct)).Logs;

    public async Task<IReadOnlyList<EtlNodeStatus>> GetEtlMetricsAsync(string name, CancellationToken ct) =>
        HttpModel.Metrics(await AnyAsync(api => api.GetEtlMetricsAsync(name, ct), idempotent: true, ct));

    public async Task<EtlCopyResultDto> CopyTransformAsync(string etl, string fromBucket, string fromName, string toBucket, string toName,
        string? etlArgs, CancellationToken ct)
    {
        var owner = await OwnerAsync(fromBucket, fromName, ct);
        return await Translated(() => At(owner).CopyTransformAsync(etl, ObjectKey.Format(fromBucket, fromName), ObjectKey.Format(toBucket, toName),
            etlArgs, ct), view);
    }

    public async Task<EtlJobStatus> StartJobAsync(EtlJobRequest request, CancellationToken ct) =>
        HttpModel.Job(await AnyAsync(api => api.StartJobAsync(HttpModel.JobStart(request), ct), idempotent: false, ct));

    public async Task<IReadOnlyList<EtlJobStatus>> ListJobsAsync(CancellationToken ct)
    {
        var jobs = await AnyAsync(api => api.ListJobsAsync(ct), idempotent: true, ct);
        return await Task.WhenAll(jobs.Select(j => GetJobAsync(j.Id, wait: null, ct)));
    }

    public async Task<EtlJobStatus> GetJobAsync(string id, TimeSpan? wait, CancellationToken ct) =>
        HttpModel.Job(await AnyAsync(api => api.GetJobAsync(id, wait, ct), idempotent: true, ct));

    public async Task<EtlJobStatus> AbortJobAsync(string id, CancellationToken ct) =>
        HttpModel.Job(await AnyAsync(api => api.AbortJobAsync(id, ct), idempotent: true, ct));

    public async IAsyncEnumerable<ObjectEvent> WatchBucketAsync(string bucket, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in FollowAsync(OaisQuery.Bucket, bucket, ct))
        {
            if (e.Kind.StartsWith("object.", StringComparison.Ordinal) && HttpModel.ObjectEvent(e.Kind, e.As<ObjectEventDto>()) is { } objectEvent)
                yield return objectEvent;
        }
    }

    /// <summary>
    /// The job's server-sent events (<c>GET /v1/events?job=</c>), read in the background so that a quiet stream can be
    /// checked against the job's status; once the stream ends or breaks, the status is long polled.
    /// </summary>
    public async IAsyncEnumerable<JobEvent> WatchJobAsync(string id, [EnumeratorCancellation] CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var events = Channel.CreateUnbounded<JobEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var pump = PumpJobEventsAsync(id, events.Writer, stop.Token);
        try
        {
            await foreach (var e in JobEventFollower.FollowAsync(events.Reader, (longPoll, token) => GetJobAsync(id, longPoll ? JobLongPoll : null, token), ct))
                yield return e;
        }
        finally
        {
            await stop.CancelAsync();
            await pump;
        }
    }

    private static readonly TimeSpan JobLongPoll = TimeSpan.FromSeconds(1);

    private async Task PumpJobEventsAsync(string id, ChannelWriter<JobEvent> writer, CancellationToken ct)
    {
        try
        {
            await foreach (var e in FollowAsync(OaisQuery.Job, id, ct))
            {
                if (e.Kind is OaisEventKinds.JobProgress or OaisEventKinds.JobState) await writer.WriteAsync(HttpModel.JobEvent(e.As<JobEventDto>()), ct);
            }
            writer.TryComplete();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            writer.TryComplete();
        }
        catch (Exception e)
        {
            writer.TryComplete(e);
        }
    }

    /// <summary>One subject's server-sent events from any node, failures translated as every other call's are.</summary>
    private async IAsyncEnumerable<ServerSentEvent> FollowAsync(string subject, string value, [EnumeratorCancellation] CancellationToken ct)
    {
        var api = At((await view.CurrentAsync(ct)).Any());
        await using var events = api.FollowEventsAsync(subject, value, ct).GetAsyncEnumerator(ct);
        while (true)
        {
            bool more;
            try
            {
                more = await events.MoveNextAsync();
            }
            catch (Exception e) when (Translate(e) is { } translated)
            {
                throw translated;
            }
            if (!more) yield break;
            yield return events.Current;
        }
    }

    public async Task<IReadOnlyList<NodeStats>> GetClusterAsync(CancellationToken ct) =>
        (await AnyAsync(api => api.GetClusterAsync(ct), idempotent: true, ct)).Nodes.Select(HttpModel.Node).ToList();

    public async Task<NodeStats> DecommissionAsync(string nodeId, bool shutdown, CancellationToken ct)
    {
        var node = HttpModel.Node(await AnyAsync(api => api.DecommissionAsync(nodeId, shutdown, ct), idempotent: false, ct));
        view.Stale(); // the node stops owning objects now
        return node;
    }

    /// <summary>The node list as <c>GET /v1/cluster</c> gives it, from the first of <paramref name="endpoints"/> that answers.</summary>
    public static async Task<IReadOnlyList<NodeStats>> LoadNodesAsync(HttpClient http, IEnumerable<Uri> endpoints, CancellationToken ct)
    {
        var failures = new List<string>();
        foreach (var endpoint in endpoints.Distinct())
        {
            try
            {
                var cluster = await new OaisHttpClient(http, endpoint).GetClusterAsync(ct);
                return cluster.Nodes.Select(HttpModel.Node).ToList();
            }
            catch (Exception e) when (e is OaisConnectionException or OaisApiException)
            {
                failures.Add(e.Message);
            }
        }
        throw new OaisException(OaisErrorCode.Unavailable, "no node answered GET /v1/cluster: " + string.Join("; ", failures));
    }

    /// <summary>
    /// Sends an object request to its owner. A redirect ("not mine") is followed and reloads the view; with
    /// <paramref name="retry"/>, a node that cannot be reached or is busy moving the object is retried on the owner a
    /// fresh view names, and so is a "not found" while the cluster is changing (this request was redirected, or the
    /// owners changed lately): the object may be between its old owner and its new one for a moment.
    /// </summary>
    private async Task<T> AtOwnerAsync<T>(string bucket, string name, Func<OaisHttpClient, Task<T>> call, bool retry, CancellationToken ct)
    {
        var target = At((await view.CurrentAsync(ct)).OwnerOf(bucket, name));
        var redirected = false;
        for (var hop = 0; ; hop++)
        {
            try
            {
                return await call(target);
            }
            catch (OaisRedirectException redirect) when (hop < MaxHops)
            {
                redirected = true;
                view.Stale();
                target = view.Last?.At(redirect.Location) is { } node ? At(node) : At(redirect.Location.GetLeftPart(UriPartial.Authority));
            }
            catch (Exception e) when (retry && hop < MaxHops && (IsRetryable(e) || MaybeMoving(e, redirected)))
            {
                await Task.Delay(RetryDelay * (1 << hop), ct);
                target = At((await view.RefreshAsync(ct)).OwnerOf(bucket, name));
            }
            catch (Exception e) when (Translate(e) is { } translated)
            {
                throw translated;
            }
        }
    }

    /// <summary>Sends a request any node serves; an idempotent one that finds a node unreachable is retried on another.</summary>
    private async Task<T> AnyAsync<T>(Func<OaisHttpClient, Task<T>> call, bool idempotent, CancellationToken ct)
    {
        var target = At((await view.CurrentAsync(ct)).Any());
        for (var hop = 0; ; hop++)
        {
            try
            {
                return await call(target);
            }
            catch (OaisConnectionException) when (idempotent && hop < MaxHops)
            {
                target = At((await view.RefreshAsync(ct)).Any());
            }
            catch (Exception e) when (Translate(e) is { } translated)
            {
                throw translated;
            }
        }
    }

    private bool MaybeMoving(Exception e, bool redirected) =>
        e is OaisApiException { ErrorCode: OaisErrorCode.ObjectNotFound } && (redirected || view.OwnersChangedWithin(MembershipSettling));

    private static bool IsRetryable(Exception e) =>
        e is OaisConnectionException || e is OaisApiException { ErrorCode: OaisErrorCode.Unavailable };

    private static async Task<T> Translated<T>(Func<Task<T>> call, ClusterView view)
    {
        try
        {
            return await call();
        }
        catch (OaisConnectionException e)
        {
            view.Stale();
            throw Translate(e)!;
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The API's failures as the <see cref="OaisException"/> they are on the grain side too; null for other exceptions.</summary>
    internal static OaisException? Translate(Exception e) => e switch
    {
        OaisApiException api => new OaisException(api.ErrorCode, api.Message),
        OaisConnectionException connection => new OaisException(OaisErrorCode.Unavailable, connection.Message),
        OaisRedirectException redirect => new OaisException(OaisErrorCode.Unavailable, $"{redirect.Message} (redirected {MaxHops} times)"),
        _ => null,
    };
}
