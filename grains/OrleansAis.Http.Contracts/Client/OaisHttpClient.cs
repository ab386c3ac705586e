using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace OrleansAis.Http.Contracts;

/// <summary>
/// The typed client of the AIS-style HTTP API (<c>/v1/...</c>) at one endpoint, over an <see cref="HttpClient"/> the
/// caller configures (redirects, pooling, timeouts) and may share between endpoints. Every failure surfaces as an
/// <see cref="OaisApiException"/> (the server said no) or an <see cref="OaisConnectionException"/> (no usable answer).
/// Object bodies stream both ways; nothing here holds a whole object in memory.
/// </summary>
public sealed partial class OaisHttpClient
{
    /// <summary>The most of an error answer that is read: error documents are small, a proxy's page need not be.</summary>
    private const int MaxErrorBodyBytes = 4096;

    private readonly HttpClient _http;

    public OaisHttpClient(HttpClient http, Uri endpoint)
    {
        _http = http;
        // A trailing '/' keeps an endpoint's path prefix when the relative API paths are resolved against it.
        Endpoint = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
    }

    public Uri Endpoint { get; }

    public async Task<HealthDto> GetHealthAsync(CancellationToken ct) =>
        await GetJsonAsync<HealthDto>(OaisRoutes.HealthPath(), ct);

    public async Task<IReadOnlyList<BucketDto>> ListBucketsAsync(CancellationToken ct) =>
        (await GetJsonAsync<BucketListDto>(OaisRoutes.BucketsPath(), ct)).Buckets;

    public async Task<BucketDto> CreateBucketAsync(string bucket, IReadOnlyDictionary<string, string>? properties, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, OaisRoutes.BucketPath(bucket));
        if (properties is { Count: > 0 }) request.Content = Json(new BucketCreateRequest(properties));
        using var response = await SendAsync(request, ct);
        return await ReadJsonAsync<BucketDto>(response, ct);
    }

    /// <summary>HEAD of the bucket: false when it does not exist.</summary>
    public async Task<bool> BucketExistsAsync(string bucket, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, OaisRoutes.BucketPath(bucket));
        try
        {
            using var response = await SendAsync(request, ct);
            return true;
        }
        catch (OaisApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Deletes the bucket; with <paramref name="force"/> also its objects, else it must be empty.</summary>
    public async Task DeleteBucketAsync(string bucket, bool force, CancellationToken ct)
    {
        var path = OaisRoutes.WithQuery(OaisRoutes.BucketPath(bucket), (OaisQuery.Force, force ? "true" : null));
        using var request = new HttpRequestMessage(HttpMethod.Delete, path);
        using var response = await SendAsync(request, ct);
    }

    public Task<ObjectPageDto> ListObjectsPageAsync(string bucket, string? prefix, int? pageSize, string? continuationToken, CancellationToken ct) =>
        GetJsonAsync<ObjectPageDto>(OaisRoutes.WithQuery(OaisRoutes.BucketPath(bucket),
            (OaisQuery.Prefix, prefix), (OaisQuery.PageSize, pageSize?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (OaisQuery.ContinuationToken, continuationToken)), ct);

    /// <summary>Every object under <paramref name="prefix"/>, in name order, page after page (at most <paramref name="limit"/>).</summary>
    public async IAsyncEnumerable<ObjectEntryDto> ListObjectsAsync(string bucket, string? prefix, int? pageSize, long? limit,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var remaining = limit ?? long.MaxValue;
        string? token = null;
        do
        {
            // Ask for no more than the limit still allows, so a small limit does not fetch a full page.
            var size = remaining < (pageSize ?? OaisQuery.DefaultPageSize) ? (int)remaining : pageSize;
            var page = await ListObjectsPageAsync(bucket, prefix, size, token, ct);
            foreach (var entry in page.Entries.Take((int)Math.Min(remaining, int.MaxValue)))
            {
                remaining--;
                yield return entry;
            }
            token = page.ContinuationToken;
        } while (token is not null && remaining > 0);
    }

    /// <summary>
    /// Streams <paramref name="content"/> into the object (its Content-Length, if set, is sent; else chunked), with
    /// custom metadata and, when given, the checksum the store must find or refuse the write.
    /// </summary>
    public Task<ObjectMetaDto> PutObjectAsync(string bucket, string name, HttpContent content,
        IReadOnlyDictionary<string, string>? custom, string? expectedChecksum, CancellationToken ct) =>
        PutObjectAsync(bucket, name, content, custom, expectedChecksum, ifMatch: null, ifNoneMatch: null, ct);

    /// <summary>
    /// The same, conditional: <paramref name="ifMatch"/> (entity tags) and <paramref name="ifNoneMatch"/> (<c>*</c>:
    /// create only) are checked on the owner at commit; a condition that does not hold is 412, nothing written.
    /// </summary>
    public async Task<ObjectMetaDto> PutObjectAsync(string bucket, string name, HttpContent content,
        IReadOnlyDictionary<string, string>? custom, string? expectedChecksum, string? ifMatch, string? ifNoneMatch, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, OaisRoutes.ObjectPath(bucket, name)) { Content = content };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation(OaisHeaders.IfMatch, ifMatch);
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation(OaisHeaders.IfNoneMatch, ifNoneMatch);
        // Headers carry ASCII: a value with other characters goes as an RFC 2047 encoded-word, which the server decodes.
        foreach (var (key, value) in custom ?? new Dictionary<string, string>()) request.Headers.Add(OaisHeaders.MetaPrefix + key, MetadataText.Encode(value));
        if (expectedChecksum is not null) request.Headers.Add(OaisHeaders.ExpectedChecksum, expectedChecksum);
        using var response = await SendAsync(request, ct);
        return await ReadJsonAsync<ObjectMetaDto>(response, ct);
    }

    /// <summary>
    /// Copies the object to <paramref name="toBucket"/>/<paramref name="toName"/> on the server: the destination's owner
    /// streams it from the source's owner; nothing passes through this client. Returns the copy's metadata.
    /// </summary>
    public Task<ObjectMetaDto> CopyObjectAsync(string bucket, string name, string toBucket, string toName, CancellationToken ct) =>
        PostJsonAsync<ObjectMetaDto>(OaisRoutes.WithQuery(OaisRoutes.ObjectPath(bucket, name), (OaisQuery.Action, OaisQuery.CopyAction)),
            Json(new ObjectCopyRequest(toBucket, toName)), ct);

    /// <summary>Starts a GET (whole object or <paramref name="range"/>) and returns once the headers are in; the caller reads the body.</summary>
    public Task<ObjectDownload> GetObjectAsync(string bucket, string name, RangeHeaderValue? range, CancellationToken ct) =>
        DownloadAsync(bucket, name, OaisRoutes.ObjectPath(bucket, name), range, ct);

    /// <summary>Starts an inline transform (GET with <c>etl_name</c>) on the object's owner; the caller streams the transformer's output.</summary>
    public Task<ObjectDownload> GetTransformedAsync(string etl, string bucket, string name, string? etlArgs, CancellationToken ct) =>
        DownloadAsync(bucket, name, OaisRoutes.WithQuery(OaisRoutes.ObjectPath(bucket, name), (OaisQuery.EtlName, etl), (OaisQuery.EtlArgs, etlArgs)),
            range: null, ct);

    public async Task<ObjectMetaDto> HeadObjectAsync(string bucket, string name, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, OaisRoutes.ObjectPath(bucket, name));
        using var response = await SendAsync(request, ct,
            notFound: (OaisErrorCode.ObjectNotFound, $"object '{bucket}/{name}' does not exist (or its bucket does not)"));
        return ObjectMetaHeaders.Read(bucket, name, response);
    }

    public async Task DeleteObjectAsync(string bucket, string name, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, OaisRoutes.ObjectPath(bucket, name));
        using var response = await SendAsync(request, ct);
    }

    public Task<ClusterDto> GetClusterAsync(CancellationToken ct) => GetJsonAsync<ClusterDto>(OaisRoutes.ClusterPath(), ct);

    /// <summary>Starts handing the node's objects to the others (202); with <paramref name="shutdown"/> it stops once drained.</summary>
    public Task<ClusterNodeDto> DecommissionAsync(string nodeId, bool shutdown, CancellationToken ct) =>
        PostJsonAsync<ClusterNodeDto>(OaisRoutes.WithQuery(OaisRoutes.DecommissionPath(nodeId), (OaisQuery.Shutdown, shutdown ? "true" : null)),
            body: null, ct);

    private async Task<ObjectDownload> DownloadAsync(string bucket, string name, string path, RangeHeaderValue? range, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (range is not null) request.Headers.Range = range;
        var response = await SendAsync(request, ct, HttpCompletionOption.ResponseHeadersRead);
        try
        {
            var content = await response.Content.ReadAsStreamAsync(ct);
            return new ObjectDownload(response, content, ObjectMetaHeaders.Read(bucket, name, response));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<T> GetJsonAsync<T>(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendAsync(request, ct);
        return await ReadJsonAsync<T>(response, ct);
    }

    private async Task<T> PostJsonAsync<T>(string path, HttpContent? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body };
        using var response = await SendAsync(request, ct);
        return await ReadJsonAsync<T>(response, ct);
    }

    private static JsonContent Json<T>(T value) => JsonContent.Create(value, options: OaisJson.Options);

    /// <summary>
    /// Sends and returns a successful response; otherwise throws. <paramref name="notFound"/> is the error for a 404
    /// without the API's document (HEAD answers carry no body).
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, (OaisErrorCode Code, string Message)? notFound = null)
    {
        request.RequestUri = new Uri(Endpoint, request.RequestUri!);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, ct);
        }
        catch (HttpRequestException e) when (e is not OaisConnectionException)
        {
            throw new OaisConnectionException(Endpoint, e.Message, e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new OaisConnectionException(Endpoint, "timed out", e);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                throw new OaisRedirectException(response.StatusCode, new Uri(request.RequestUri, location), request.RequestUri);
            throw await ErrorOf(response, notFound, ct);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static async Task<OaisApiException> ErrorOf(HttpResponseMessage response, (OaisErrorCode Code, string Message)? notFound, CancellationToken ct)
    {
        var status = response.StatusCode;
        var body = await ReadErrorBodyAsync(response, ct);
        if (body.TrimStart().StartsWith('{'))
        {
            try
            {
                if (JsonSerializer.Deserialize<ErrorDocument>(body, OaisJson.Options)?.Error is { Code: not null } error)
                    return new OaisApiException(status, error.Code, error.Message);
            }
            catch (JsonException)
            {
                // Not the API's error document: described below.
            }
        }
        if (status == HttpStatusCode.NotFound && notFound is { } missing) return new OaisApiException(status, missing.Code.ToString(), missing.Message);
        var detail = body.Length > 0 ? ": " + body[..Math.Min(body.Length, 300)].Trim() : "";
        return new OaisApiException(status, null, $"HTTP {(int)status} {response.ReasonPhrase}{detail}");
    }

    /// <summary>The start of an error answer, or "" when it has none or it broke off (the status alone still says what happened).</summary>
    private static async Task<string> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[MaxErrorBodyBytes];
            var total = 0;
            int n;
            while (total < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += n;
            return System.Text.Encoding.UTF8.GetString(buffer, 0, total);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return "";
        }
    }

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(OaisJson.Options, ct) ?? throw new JsonException("empty document");
        }
        catch (JsonException e)
        {
            throw new OaisApiException(response.StatusCode, OaisApiException.UnexpectedResponseCode,
                $"{Endpoint} answered {response.RequestMessage?.RequestUri?.AbsolutePath} with a document this client does not understand ({e.Message})");
        }
    }
}
