using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using OrleansAis.Etl;
using OrleansAis.Grains;
using OrleansAis.Naming;
using OrleansAis.Ownership;

namespace OrleansAis.Client;

/// <summary>
/// Buckets and objects of an OrleansAis cluster, over an Orleans <see cref="IClusterClient"/>.
/// Control goes through grains; object bytes stream either over HTTP from the owner silo or in bounded grain-call chunks
/// (never one call per object: Orleans messages have a size limit and a response timeout).
/// </summary>
public sealed class OaisClient
{
    private readonly IGrainFactory _grains;
    private readonly OaisClientOptions _options;
    private readonly OwnerHttpTransport _http;

    public OaisClient(IClusterClient cluster, IOptions<OaisClientOptions>? options = null, IHttpClientFactory? httpClients = null)
    {
        _grains = cluster;
        _options = options?.Value ?? new OaisClientOptions();
        if (_options.ChunkBytes is <= 0 or > Transfer.MaxChunkBytes)
            throw new ArgumentOutOfRangeException(nameof(options), $"ChunkBytes must be 1..{Transfer.MaxChunkBytes}");
        _http = new OwnerHttpTransport(httpClients);
    }

    private IBucketRegistryGrain Registry => _grains.GetGrain<IBucketRegistryGrain>(IBucketRegistryGrain.Key);

    private IObjectGrain Object(string bucket, string name) => _grains.GetGrain<IObjectGrain>(ObjectKey.Validated(bucket, name));

    public Task<BucketInfo> CreateBucketAsync(string bucket, IReadOnlyDictionary<string, string>? properties = null) =>
        Registry.Create(bucket, properties);

    public Task<BucketInfo?> GetBucketAsync(string bucket) => Registry.Get(bucket);

    public Task<IReadOnlyList<BucketInfo>> ListBucketsAsync() => Registry.List();

    public Task DeleteBucketAsync(string bucket, bool force = false) => Registry.Delete(bucket, force);

    public Task<ObjectMeta> HeadObjectAsync(string bucket, string name) => TransientRetry.RunAsync(Object(bucket, name).Head);

    public Task<bool> DeleteObjectAsync(string bucket, string name) => Object(bucket, name).Delete();

    public Task<NodeInfo> LocateObjectAsync(string bucket, string name) => TransientRetry.RunAsync(Object(bucket, name).Locate);

    public Task<IReadOnlyList<NodeInfo>> ListNodesAsync() => _grains.GetGrain<IClusterViewGrain>(0).Nodes();

    public Task<ObjectListPage> ListObjectsAsync(string bucket, ListRequest? request = null)
    {
        Names.EnsureValidBucketName(bucket);
        return TransientRetry.RunAsync(() => _grains.GetGrain<IClusterViewGrain>(0).ListObjects(bucket, request ?? new ListRequest()));
    }

    /// <summary>Every object of the bucket (optionally under a prefix) in name order, page by page.</summary>
    public async IAsyncEnumerable<ObjectEntry> EnumerateObjectsAsync(string bucket, string prefix = "", [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? token = null;
        do
        {
            var page = await ListObjectsAsync(bucket, new ListRequest { Prefix = prefix, ContinuationToken = token });
            foreach (var entry in page.Entries) yield return entry;
            token = page.ContinuationToken;
            ct.ThrowIfCancellationRequested();
        } while (token is not null);
    }

    /// <summary>Writes an object from <paramref name="content"/> (read to its end); visible atomically once complete.</summary>
    public async Task<ObjectMeta> PutObjectAsync(string bucket, string name, Stream content, PutOptions? options = null, CancellationToken ct = default)
    {
        var grain = Object(bucket, name);
        options ??= PutOptions.Default;
        if (await HttpOwnerAsync(grain) is { } owner) return await _http.PutAsync(owner, bucket, name, content, options, ct);
        return await ChunkedTransfer.PutAsync(grain, content, options, _options.ChunkBytes, ct);
    }

    /// <summary>Copies the object (or <paramref name="length"/> bytes of it from <paramref name="offset"/>) into <paramref name="destination"/>.</summary>
    public async Task<ObjectMeta> GetObjectAsync(string bucket, string name, Stream destination, long offset = 0, long? length = null, CancellationToken ct = default)
    {
        var grain = Object(bucket, name);
        if (await HttpOwnerAsync(grain) is { } owner) return await _http.GetAsync(owner, bucket, name, destination, offset, length, ct);
        return await ChunkedTransfer.GetAsync(grain, destination, offset, length, _options.ChunkBytes, ct);
    }

    private IEtlRegistryGrain Etls => _grains.GetGrain<IEtlRegistryGrain>(IEtlRegistryGrain.Key);

    /// <summary>Registers the ETL and starts its transformer on every node (fails, leaving it Aborted, if any node cannot).</summary>
    public Task<EtlInfo> InitEtlAsync(EtlSpec spec)
    {
        spec.EnsureValid();
        return Etls.Init(spec);
    }

    public Task<IReadOnlyList<EtlInfo>> ListEtlsAsync() => Etls.List();

    public Task<EtlInfo> GetEtlAsync(string name) => Etls.Get(name);

    public Task<EtlInfo> StopEtlAsync(string name) => Etls.Stop(name);

    public Task<EtlInfo> StartEtlAsync(string name) => Etls.Start(name);

    public Task DeleteEtlAsync(string name) => Etls.Delete(name);

    /// <summary>
    /// Streams the object transformed by ETL <paramref name="etlName"/> into <paramref name="destination"/>. The transform
    /// runs on the silo that owns the object; the result comes over its HTTP API or in bounded grain-call chunks.
    /// </summary>
    public async Task GetTransformedAsync(string bucket, string name, string etlName, Stream destination, string? etlArgs = null, CancellationToken ct = default)
    {
        EtlSpec.EnsureValidName(etlName);
        var grain = Object(bucket, name);
        if (await HttpOwnerAsync(grain) is { } owner)
        {
            await _http.GetTransformedAsync(owner, bucket, name, etlName, etlArgs, destination, ct);
            return;
        }
        var node = await TransientRetry.RunAsync(grain.Locate, ct);
        var worker = _grains.GetGrain<IEtlWorkerGrain>(node.NodeId);
        var transform = await worker.BeginTransform(etlName, bucket, name, etlArgs);
        while (true)
        {
            var chunk = await worker.ReadTransformed(transform, _options.ChunkBytes);
            if (chunk.Length == 0) return;
            await destination.WriteAsync(chunk, ct);
        }
    }

    private async Task<NodeInfo?> HttpOwnerAsync(IObjectGrain grain)
    {
        if (_options.Transport == ObjectTransport.Grain) return null;
        var owner = await TransientRetry.RunAsync(grain.Locate);
        if (!string.IsNullOrEmpty(owner.HttpUrl)) return owner;
        return _options.Transport == ObjectTransport.Http
            ? throw new OaisException(OaisErrorCode.Unavailable, $"owner node '{owner.NodeId}' has no HTTP endpoint")
            : null;
    }
}
