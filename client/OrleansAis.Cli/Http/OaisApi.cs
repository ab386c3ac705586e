using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OrleansAis.Cli.Arguments;

namespace OrleansAis.Cli.Http;

/// <summary>
/// A typed client of the AIS-style HTTP API (<c>/v1/...</c>). Every failure surfaces as an
/// <see cref="OaisApiException"/> (the server said no) or an <see cref="OaisConnectionException"/> (no usable answer).
/// Object bodies stream both ways; nothing here holds a whole object in memory.
/// </summary>
internal sealed partial class OaisApi : IDisposable
{
    /// <summary>The API's page size when the request names none (docs/API.md).</summary>
    private const int ServerDefaultPageSize = 1000;

    private readonly HttpClient _http;

    public OaisApi(Uri endpoint)
    {
        Endpoint = endpoint;
        _http = new HttpClient(new SocketsHttpHandler
        {
            // A GET or HEAD to a silo that does not own the object is answered with a 307 to the owner: follow it.
            AllowAutoRedirect = true,
            ConnectTimeout = TimeSpan.FromSeconds(15),
        })
        {
            BaseAddress = endpoint,
            // Transfers of large objects take as long as they take; a dead peer is caught by the connect timeout and resets.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public Uri Endpoint { get; }

    public async Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken ct) =>
        (await GetJsonAsync<BucketList>(ObjectUrls.Buckets, ct)).Buckets;

    public async Task<BucketInfo> CreateBucketAsync(string bucket, IReadOnlyDictionary<string, string> properties, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, ObjectUrls.Bucket(bucket));
        if (properties.Count > 0) request.Content = JsonContent.Create(new { properties }, options: ApiJson.Options);
        using var response = await SendAsync(request, ct);
        return await ReadJsonAsync<BucketInfo>(response, ct);
    }

    /// <summary>Fails with the server's 404 when the bucket does not exist.</summary>
    public async Task RequireBucketAsync(string bucket, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, ObjectUrls.Bucket(bucket));
        using var response = await SendAsync(request, ct, notFound: ("BucketNotFound", $"bucket '{bucket}' does not exist"));
    }

    public async Task DeleteBucketAsync(string bucket, bool force, CancellationToken ct)
    {
        var path = ObjectUrls.WithQuery(ObjectUrls.Bucket(bucket), ("force", force ? "true" : null));
        using var request = new HttpRequestMessage(HttpMethod.Delete, path);
        using var response = await SendAsync(request, ct);
    }

    public Task<ObjectPage> ListObjectsPageAsync(string bucket, string? prefix, int? pageSize, string? continuationToken, CancellationToken ct) =>
        GetJsonAsync<ObjectPage>(ObjectUrls.WithQuery(ObjectUrls.Bucket(bucket),
            ("prefix", prefix), ("page_size", pageSize?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("continuation_token", continuationToken)), ct);

    /// <summary>Every object under <paramref name="prefix"/>, in name order, page after page (at most <paramref name="limit"/>).</summary>
    public async IAsyncEnumerable<ObjectEntry> ListObjectsAsync(string bucket, string? prefix, int? pageSize, long? limit,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var remaining = limit ?? long.MaxValue;
        string? token = null;
        do
        {
            // Ask for no more than the limit still allows, so a small --limit does not fetch a full page.
            var size = remaining < (pageSize ?? ServerDefaultPageSize) ? (int)remaining : pageSize;
            var page = await ListObjectsPageAsync(bucket, prefix, size, token, ct);
            foreach (var entry in page.Entries.Take((int)Math.Min(remaining, int.MaxValue)))
            {
                remaining--;
                yield return entry;
            }
            token = page.ContinuationToken;
        } while (token is not null && remaining > 0);
    }

    /// <summary>Streams <paramref name="body"/> into the object; a known <paramref name="length"/> is sent as Content-Length, else chunked.</summary>
    public async Task<ObjectMetadata> PutObjectAsync(string bucket, string name, Stream body, long? length, string? contentType,
        IReadOnlyDictionary<string, string> custom, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, ObjectUrls.Object(bucket, name));
        var content = new StreamContent(body, 256 << 10);
        content.Headers.ContentLength = length;
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Content = content;
        foreach (var (key, value) in custom) request.Headers.Add(ObjectHeaders.MetaPrefix + key, value);
        using var response = await SendAsync(request, ct);
        return await ReadJsonAsync<ObjectMetadata>(response, ct);
    }

    /// <summary>Starts a GET (whole object or <paramref name="range"/>) and returns once the headers are in; the caller reads the body.</summary>
    public async Task<ObjectDownload> GetObjectAsync(string bucket, string name, ByteRangeArgument? range, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ObjectUrls.Object(bucket, name));
        if (range is not null) request.Headers.Range = new RangeHeaderValue(range.First, range.Last);
        var response = await SendAsync(request, ct, HttpCompletionOption.ResponseHeadersRead);
        try
        {
            var content = await response.Content.ReadAsStreamAsync(ct);
            return new ObjectDownload(response, content, ObjectHeaders.Read(bucket, name, response));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public async Task<ObjectMetadata> HeadObjectAsync(string bucket, string name, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, ObjectUrls.Object(bucket, name));
        using var response = await SendAsync(request, ct, notFound: ("ObjectNotFound", $"object '{bucket}/{name}' does not exist (or its bucket does not)"));
        return ObjectHeaders.Read(bucket, name, response);
    }

    public async Task DeleteObjectAsync(string bucket, string name, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, ObjectUrls.Object(bucket, name));
        using var response = await SendAsync(request, ct);
    }

    public Task<ClusterInfo> GetClusterAsync(CancellationToken ct) => GetJsonAsync<ClusterInfo>(ObjectUrls.Cluster, ct);

    public async Task<NodeInfo> DecommissionAsync(string nodeId, bool shutdown, CancellationToken ct)
    {
        var path = $"{ObjectUrls.Cluster}/nodes/{Uri.EscapeDataString(nodeId)}/decommission" + (shutdown ? "?shutdown=true" : "");
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        using var response = await SendAsync(request, ct);
        return await ReadJsonAsync<NodeInfo>(response, ct);
    }

    public void Dispose() => _http.Dispose();

    private async Task<T> GetJsonAsync<T>(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendAsync(request, ct);
        return await ReadJsonAsync<T>(response, ct);
    }

    /// <summary>
    /// Sends and returns a successful response; otherwise throws. <paramref name="notFound"/> is the error for a 404
    /// without a body (HEAD responses carry none).
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, (string Code, string Message)? notFound = null)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, ct);
        }
        catch (HttpRequestException e)
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
            throw await ErrorOf(response, notFound, ct);
        }
    }

    private async Task<OaisApiException> ErrorOf(HttpResponseMessage response, (string Code, string Message)? notFound, CancellationToken ct)
    {
        var status = response.StatusCode;
        var body = await ReadBodyAsync(response, ct);
        try
        {
            if (JsonSerializer.Deserialize<ErrorDocument>(body, ApiJson.Options)?.Error is { } error)
                return new OaisApiException(status, error.Code, error.Message);
        }
        catch (JsonException)
        {
            // Not the API's error document (a proxy page, an empty body): described below.
        }
        if (status == HttpStatusCode.NotFound && notFound is { } missing) return new OaisApiException(status, missing.Code, missing.Message);
        var detail = body.Length > 0 ? ": " + body[..Math.Min(body.Length, 300)].Trim() : "";
        return new OaisApiException(status, status.ToString(), $"HTTP {(int)status} {response.ReasonPhrase}{detail}");
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(ct);
        }
        catch (HttpRequestException)
        {
            return ""; // the status alone still says what happened
        }
    }

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, ct)
                ?? throw new JsonException("empty document");
        }
        catch (JsonException e)
        {
            throw new OaisApiException(response.StatusCode, "UnexpectedResponse",
                $"{Endpoint} answered {response.RequestMessage?.RequestUri?.AbsolutePath} with a document the CLI does not understand ({e.Message})");
        }
    }
}
