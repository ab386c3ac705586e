using System.Net.Http.Json;
using System.Text;

namespace OrleansAis.Cli.Http;

/// <summary>The ETL endpoints: init, list, details, stop/start/delete, logs, metrics, inline transform and copy.</summary>
internal sealed partial class OaisApi
{
    /// <summary>Sends the spec text as it is (JSON or YAML): the server parses it and names the bad field when it is wrong.</summary>
    public async Task<EtlDetails> InitEtlAsync(string specText, CancellationToken ct)
    {
        var mediaType = specText.TrimStart().StartsWith('{') ? "application/json" : "application/yaml";
        using var request = new HttpRequestMessage(HttpMethod.Put, EtlUrls.Etls) { Content = new StringContent(specText, Encoding.UTF8, mediaType) };
        using var response = await SendAsync(request, ct);
        return await ReadJsonAsync<EtlDetails>(response, ct);
    }

    public async Task<IReadOnlyList<EtlSummary>> ListEtlsAsync(CancellationToken ct) =>
        (await GetJsonAsync<EtlSummaryList>(EtlUrls.Etls, ct)).Etls;

    public Task<EtlDetails> GetEtlAsync(string name, CancellationToken ct) => GetJsonAsync<EtlDetails>(EtlUrls.Etl(name), ct);

    public Task<EtlDetails> StopEtlAsync(string name, CancellationToken ct) => PostJsonAsync<EtlDetails>(EtlUrls.Etl(name) + "/stop", null, ct);

    public Task<EtlDetails> StartEtlAsync(string name, CancellationToken ct) => PostJsonAsync<EtlDetails>(EtlUrls.Etl(name) + "/start", null, ct);

    public async Task DeleteEtlAsync(string name, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, EtlUrls.Etl(name));
        using var response = await SendAsync(request, ct);
    }

    public Task<EtlLogs> GetEtlLogsAsync(string name, string? node, int? lines, CancellationToken ct) =>
        GetJsonAsync<EtlLogs>(ObjectUrls.WithQuery(EtlUrls.Etl(name) + "/logs",
            ("node", node), ("lines", lines?.ToString(System.Globalization.CultureInfo.InvariantCulture))), ct);

    public Task<EtlMetrics> GetEtlMetricsAsync(string name, CancellationToken ct) => GetJsonAsync<EtlMetrics>(EtlUrls.Etl(name) + "/metrics", ct);

    /// <summary>Starts an inline transform (GET with <c>etl_name</c>) and returns once the headers are in; the caller streams the body.</summary>
    public async Task<TransformedObject> GetTransformedAsync(string etl, string bucket, string name, string? etlArgs, CancellationToken ct)
    {
        var path = ObjectUrls.WithQuery(ObjectUrls.Object(bucket, name), ("etl_name", etl), ("etl_args", etlArgs));
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        var response = await SendAsync(request, ct, HttpCompletionOption.ResponseHeadersRead);
        try
        {
            return new TransformedObject(response, await response.Content.ReadAsStreamAsync(ct));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Copy-transforms one object on its owner; the result is stored under <paramref name="to"/> (bucket/name).</summary>
    public Task<EtlCopyResult> CopyTransformAsync(string etl, string from, string to, string? etlArgs, CancellationToken ct) =>
        PostJsonAsync<EtlCopyResult>(EtlUrls.Etl(etl) + "/copy", JsonContent.Create(new { from, to, etl_args = etlArgs }, options: ApiJson.Options), ct);

    private async Task<T> PostJsonAsync<T>(string path, HttpContent? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body };
        using var response = await SendAsync(request, ct);
        return await ReadJsonAsync<T>(response, ct);
    }
}
