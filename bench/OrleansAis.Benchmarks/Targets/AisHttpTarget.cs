using System.Net;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Benchmarks.Targets;

/// <summary>
/// A bucket through the AIS-style HTTP API (<c>/v1/buckets</c>, <c>/v1/objects</c>) with a plain HttpClient: what is
/// measured is the HTTP exchange alone, so only the contract's paths are used, not its typed client.
/// </summary>
public sealed class AisHttpTarget(HttpClient http, Uri endpoint, string bucket, string label) : IHttpObjectTarget
{
    public string Label => label;

    public async Task PrepareAsync(CancellationToken ct)
    {
        using var response = await http.PutAsync(new Uri(endpoint, OaisRoutes.BucketPath(bucket)), content: null, ct);
        if (response.StatusCode != HttpStatusCode.Conflict) await EnsureSuccessAsync(response, ct); // 409: it exists already
    }

    public async Task PutAsync(string name, byte[] content, CancellationToken ct)
    {
        using var response = await http.PutAsync(ObjectUrl(name), new ByteArrayContent(content), ct);
        await EnsureSuccessAsync(response, ct);
    }

    public Task<long> GetAsync(string name, CancellationToken ct) => HttpDownload.ReadToEndAsync(http, ObjectUrl(name), ct);

    public Uri ObjectUrl(string name) => new(endpoint, OaisRoutes.ObjectPath(bucket, name));

    // The API explains failures in a JSON body; keep it in the error so a broken run says why.
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(ct);
        throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}",
            null, response.StatusCode);
    }
}
