using System.Globalization;
using OrleansAis.Buckets;
using OrleansAis.Cluster;
using OrleansAis.Http.Contracts;
using OrleansAis.Objects;
using OrleansAis.Storage;

namespace OrleansAis.Silo.Http;

/// <summary>
/// The source of a server-side copy (S3 CopyObject and UploadPartCopy, the AIS copy action), opened on the silo that
/// writes the copy: its local file when this silo owns the source, else one streamed GET of the source owner's own
/// AIS endpoint (marked forwarded, so the owner serves it from its disk). Nothing buffers the object.
/// </summary>
public sealed class CopySource(ClusterMap cluster, BucketCatalog buckets, OwnerReads reads, IHttpClientFactory httpClients)
{
    /// <summary>An open source: its metadata (of the whole object), and a stream of the requested bytes.</summary>
    public sealed class Opened(ObjectMeta meta, Stream content, long length, IDisposable owner) : IAsyncDisposable
    {
        public ObjectMeta Meta { get; } = meta;
        public Stream Content { get; } = content;
        public long Length { get; } = length;

        public async ValueTask DisposeAsync()
        {
            await Content.DisposeAsync();
            owner.Dispose();
        }
    }

    /// <summary>
    /// Opens <c>bucket/name</c> (or bytes <paramref name="range"/> of it, both ends inside the object, else
    /// <see cref="OaisErrorCode.InvalidRange"/>: a copy never shortens a range as a GET does). A source that
    /// does not meet <paramref name="condition"/> fails with 412 <see cref="OaisErrorCode.PreconditionFailed"/>: for a
    /// copy even an unmodified source is a failed precondition, not a 304.
    /// </summary>
    public async Task<Opened> OpenAsync(string bucket, string name, (long First, long Last)? range, ObjectCondition? condition, CancellationToken ct)
    {
        await buckets.Require(bucket);
        var view = cluster.Current;
        var owner = view.OwnerOf(bucket, name);
        if (view.IsLocal(owner) || string.IsNullOrEmpty(owner.HttpUrl)) return await OpenLocalAsync(bucket, name, range, condition);
        return await OpenRemoteAsync(owner, bucket, name, range, condition, ct);
    }

    private async Task<Opened> OpenLocalAsync(string bucket, string name, (long First, long Last)? range, ObjectCondition? condition)
    {
        var reader = await reads.OpenAsync(bucket, name);
        try
        {
            if (condition is not null && condition.Evaluate(reader.Meta, isRead: true) != ConditionOutcome.Proceed) throw Failed(reader.Meta, condition);
            if (range is { } r && r.Last >= reader.Meta.Size) throw OutsideOf(bucket, name, r, reader.Meta.Size);
            var (offset, length) = range is { } wanted ? (wanted.First, wanted.Last - wanted.First + 1) : (0, reader.Meta.Size);
            return new Opened(reader.Meta, reader.OpenRange(offset, length), length, reader);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private async Task<Opened> OpenRemoteAsync(NodeInfo owner, string bucket, string name, (long First, long Last)? range, ObjectCondition? condition,
        CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, owner.HttpUrl.TrimEnd('/') + "/" + OaisRoutes.ObjectPath(bucket, name));
        request.Headers.TryAddWithoutValidation(OaisHeaders.Forwarded, cluster.Local.NodeId);
        if (range is { } asked) request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(asked.First, asked.Last);
        if (condition is not null)
        {
            if (condition.IfMatch is { } ifMatch) request.Headers.TryAddWithoutValidation(OaisHeaders.IfMatch, ifMatch);
            if (condition.IfNoneMatch is { } ifNoneMatch) request.Headers.TryAddWithoutValidation(OaisHeaders.IfNoneMatch, ifNoneMatch);
            if (condition.IfModifiedSince is { } ims) request.Headers.IfModifiedSince = ims;
            if (condition.IfUnmodifiedSince is { } ius) request.Headers.IfUnmodifiedSince = ius;
        }
        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(OwnerRouting.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new OaisException(OaisErrorCode.Unavailable, $"node {owner.NodeId}, which owns the copy source '{bucket}/{name}', did not answer ({e.Message}); retry shortly");
        }
        try
        {
            switch (response.StatusCode)
            {
                case System.Net.HttpStatusCode.OK or System.Net.HttpStatusCode.PartialContent:
                    break;
                case System.Net.HttpStatusCode.NotModified or System.Net.HttpStatusCode.PreconditionFailed:
                    throw new OaisException(OaisErrorCode.PreconditionFailed,
                        $"copy source '{bucket}/{name}' (ETag {response.Headers.ETag?.Tag}) does not meet the request's {condition?.Describe()}");
                default:
                    // The owner's own error (not found, bad range, unavailable...), passed on in its terms.
                    var body = await response.Content.ReadAsStringAsync(ct);
                    var error = System.Text.Json.JsonSerializer.Deserialize<ErrorDocument>(body, OaisJson.Options)?.Error;
                    throw new OaisException(Enum.TryParse<OaisErrorCode>(error?.Code, out var code) ? code : OaisErrorCode.Unavailable,
                        error?.Message ?? $"node {owner.NodeId} answered {(int)response.StatusCode} for copy source '{bucket}/{name}'");
            }
            var meta = MetaOf(bucket, name, response, owner.NodeId);
            // The owner shortens a range that runs past the end (as any GET); a copy must not.
            if (range is { } r && (response.Content.Headers.ContentRange is not { From: { } from, To: { } to } || from != r.First || to != r.Last))
                throw OutsideOf(bucket, name, r, meta.Size);
            var length = response.Content.Headers.ContentLength ?? throw new OaisException(OaisErrorCode.Unavailable,
                $"node {owner.NodeId} answered copy source '{bucket}/{name}' without a Content-Length");
            return new Opened(meta, await response.Content.ReadAsStreamAsync(ct), length, response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The source's metadata as its owner's GET answer states it (the AIS headers).</summary>
    private static ObjectMeta MetaOf(string bucket, string name, HttpResponseMessage response, string node)
    {
        string? Header(string header) => response.Headers.TryGetValues(header, out var values) ? values.FirstOrDefault() : null;
        var size = response.Content.Headers.ContentRange?.Length ?? response.Content.Headers.ContentLength ?? 0;
        var custom = response.Headers
            .Where(h => h.Key.StartsWith(OaisHeaders.MetaPrefix, StringComparison.OrdinalIgnoreCase) && h.Key.Length > OaisHeaders.MetaPrefix.Length)
            .ToDictionary(h => h.Key[OaisHeaders.MetaPrefix.Length..].ToLowerInvariant(),
                h => MetadataText.Decode(h.Key, string.Join(",", h.Value)).Value ?? string.Join(",", h.Value));
        var etag = response.Headers.ETag?.Tag.Trim('"');
        return new ObjectMeta
        {
            Bucket = bucket, Name = name, Size = size, Checksum = Header(OaisHeaders.ChecksumValue) ?? "",
            ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream",
            Custom = custom,
            Version = long.TryParse(Header(OaisHeaders.Version), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0,
            Modified = response.Content.Headers.LastModified ?? DateTimeOffset.UtcNow,
            Node = node,
            Md5 = etag is { Length: 32 } ? etag : null,
            MultipartETag = etag is not null && etag.Contains('-') ? etag : null,
            Headers = StoredHeadersOf(response),
            ContentChecksum = Ais.ObjectHeaders.ParseContentChecksum(Header(OaisHeaders.ContentChecksum)),
        };
    }

    private static Dictionary<string, string>? StoredHeadersOf(HttpResponseMessage response)
    {
        var stored = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in StoredHeaders.Names)
        {
            if ((response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values))
                && string.Join(", ", values) is { Length: > 0 } value)
                stored[name] = value;
        }
        return stored.Count == 0 ? null : stored;
    }

    private static OaisException OutsideOf(string bucket, string name, (long First, long Last) range, long size) => new(OaisErrorCode.InvalidRange,
        $"range bytes={range.First}-{range.Last} is not inside the copy source '{bucket}/{name}' of {size} bytes");

    private static OaisException Failed(ObjectMeta meta, ObjectCondition condition) => new(OaisErrorCode.PreconditionFailed,
        $"copy source '{meta.Bucket}/{meta.Name}' (ETag {meta.ETag}, modified {meta.Modified:R}) does not meet the request's {condition.Describe()}");
}
