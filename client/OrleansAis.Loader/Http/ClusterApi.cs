using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace OrleansAis.Loader.Http;

/// <summary>The setup and teardown calls of a run: bucket, listing, ETL. Failures throw <see cref="ApiException"/>.</summary>
internal sealed class ClusterApi(HttpClient http, EndpointRotation endpoints, TimeSpan timeout)
{
    private const int PageSize = 10_000;

    public async Task<bool> BucketExistsAsync(string bucket, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Head, ApiPaths.Bucket(bucket), null, ct);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.NotFound => false,
            _ => throw await FailureAsync($"HEAD bucket {bucket}", response, ct),
        };
    }

    /// <summary>Creates the bucket; false when it already existed (someone else created it meanwhile).</summary>
    public async Task<bool> CreateBucketAsync(string bucket, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Put, ApiPaths.Bucket(bucket), null, ct);
        return response.StatusCode switch
        {
            HttpStatusCode.Created or HttpStatusCode.OK => true,
            HttpStatusCode.Conflict => false,
            _ => throw await FailureAsync($"create bucket {bucket}", response, ct),
        };
    }

    /// <summary>Deletes an empty bucket; false when it still holds objects (not the loader's to delete).</summary>
    public async Task<bool> DeleteBucketAsync(string bucket, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Delete, ApiPaths.Bucket(bucket), null, ct);
        return response.StatusCode switch
        {
            HttpStatusCode.NoContent or HttpStatusCode.OK or HttpStatusCode.NotFound => true,
            HttpStatusCode.Conflict => false,
            _ => throw await FailureAsync($"delete bucket {bucket}", response, ct),
        };
    }

    public async IAsyncEnumerable<ListedObject> ListAsync(string bucket, string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        string? token = null;
        do
        {
            using var response = await SendAsync(HttpMethod.Get, ApiPaths.Listing(bucket, prefix, PageSize, token), null, ct);
            if (!response.IsSuccessStatusCode) throw await FailureAsync($"list bucket {bucket}", response, ct);
            using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            foreach (var entry in page.RootElement.GetProperty("entries").EnumerateArray())
            {
                yield return new ListedObject(entry.GetProperty("name").GetString()!, entry.GetProperty("size").GetInt64(),
                    entry.TryGetProperty("checksum", out var c) ? c.GetString() ?? "" : "");
            }
            token = page.RootElement.TryGetProperty("continuation_token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }
        while (token is not null);
    }

    /// <summary>Initialises an ETL from its JSON spec; false when one of that name already exists.</summary>
    public async Task<bool> InitEtlAsync(string specJson, CancellationToken ct)
    {
        using var content = new StringContent(specJson, Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Put, ApiPaths.Etls, content, ct);
        if (response.StatusCode == HttpStatusCode.Conflict) return false;
        return response.IsSuccessStatusCode ? true : throw await FailureAsync("init ETL", response, ct);
    }

    /// <summary>The ETL's stage, or null when there is no such ETL.</summary>
    public async Task<EtlStatus?> EtlStatusAsync(string name, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, ApiPaths.Etl(name), null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (!response.IsSuccessStatusCode) throw await FailureAsync($"view ETL {name}", response, ct);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var root = doc.RootElement;
        return new EtlStatus(root.GetProperty("stage").ToString(),
            root.TryGetProperty("abort_reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null);
    }

    public async Task DeleteEtlAsync(string name, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Delete, ApiPaths.Etl(name), null, ct);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
            throw await FailureAsync($"delete ETL {name}", response, ct);
    }

    /// <summary>
    /// Sends on the next endpoint, moving on to the others when one cannot be reached (any silo serves any request);
    /// when none answers, an <see cref="ApiException"/> names the last failure.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        var failures = new List<string>();
        for (var attempt = 0; attempt < endpoints.All.Count; attempt++)
        {
            var endpoint = endpoints.Next();
            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeoutSource.CancelAfter(timeout);
            try
            {
                using var request = new HttpRequestMessage(method, new Uri(endpoint, path)) { Content = content };
                return await http.SendAsync(request, timeoutSource.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                failures.Add($"{endpoint}: no answer within {timeout.TotalSeconds:0.#}s");
            }
            catch (HttpRequestException e)
            {
                failures.Add($"{endpoint}: {ErrorKinds.FromException(e)} ({ErrorKinds.Describe(e)})");
            }
            // A request body was consumed by the failed attempt: only body-less requests are retried elsewhere.
            if (content is not null) break;
        }
        throw new ApiException($"{method} {path}: {string.Join("; ", failures)}");
    }

    private static async Task<ApiException> FailureAsync(string what, HttpResponseMessage response, CancellationToken ct)
    {
        var body = response.RequestMessage?.Method == HttpMethod.Head ? "" : await response.Content.ReadAsStringAsync(ct);
        var (kind, detail) = ErrorKinds.FromResponse(response.StatusCode, body);
        return new ApiException($"{what}: {kind}: {detail}");
    }
}
