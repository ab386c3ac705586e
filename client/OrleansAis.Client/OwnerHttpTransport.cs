using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace OrleansAis.Client;

/// <summary>
/// Object bytes over the owner silo's HTTP API (<c>/v1/objects/...</c>): streamed from and to its disk,
/// an order of magnitude cheaper than carrying them through grain messages.
/// </summary>
internal sealed class OwnerHttpTransport(IHttpClientFactory? httpClients)
{
    private static readonly Lazy<HttpClient> Shared = new(() => new HttpClient(new SocketsHttpHandler
    {
        AllowAutoRedirect = true,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    }) { Timeout = Timeout.InfiniteTimeSpan });

    public const string HttpClientName = "oais-client";

    private HttpClient Http => httpClients?.CreateClient(HttpClientName) ?? Shared.Value;

    public static Uri ObjectUri(NodeInfo node, string bucket, string name) =>
        new($"{node.HttpUrl.TrimEnd('/')}/v1/objects/{Uri.EscapeDataString(bucket)}/{string.Join('/', name.Split('/').Select(Uri.EscapeDataString))}");

    public async Task<ObjectMeta> PutAsync(NodeInfo owner, string bucket, string name, Stream content, PutOptions options, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, ObjectUri(owner, bucket, name)) { Content = new StreamContent(content, 1 << 20) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(options.ContentType ?? "application/octet-stream");
        if (options.ExpectedSize is { } size) request.Content.Headers.ContentLength = size;
        if (options.ExpectedChecksum is { } checksum) request.Headers.Add("X-Oais-Checksum", checksum);
        foreach (var (key, value) in options.Custom ?? new Dictionary<string, string>()) request.Headers.Add("X-Oais-Meta-" + key, value);
        using var response = await Http.SendAsync(request, ct);
        await EnsureSuccessAsync(response, ct);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
        return ParseMeta(doc.RootElement);
    }

    public async Task<ObjectMeta> GetAsync(NodeInfo owner, string bucket, string name, Stream destination, long offset, long? length, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ObjectUri(owner, bucket, name));
        if (offset != 0 || length is not null)
            request.Headers.Range = new RangeHeaderValue(offset, length is { } l ? offset + l - 1 : null);
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await EnsureSuccessAsync(response, ct);
        var meta = MetaFromHeaders(response, bucket, name);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await body.CopyToAsync(destination, 1 << 20, ct);
        return meta;
    }

    public async Task GetTransformedAsync(NodeInfo owner, string bucket, string name, string etlName, string? etlArgs, Stream destination, CancellationToken ct)
    {
        var query = "?etl_name=" + Uri.EscapeDataString(etlName) + (etlArgs is null ? "" : "&etl_args=" + Uri.EscapeDataString(etlArgs));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ObjectUri(owner, bucket, name) + query));
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await EnsureSuccessAsync(response, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await body.CopyToAsync(destination, 1 << 20, ct);
    }

    private static ObjectMeta MetaFromHeaders(HttpResponseMessage response, string bucket, string name)
    {
        string Header(string key) => response.Headers.TryGetValues(key, out var v) ? v.First() : "";
        var custom = response.Headers.Where(h => h.Key.StartsWith("X-Oais-Meta-", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key["X-Oais-Meta-".Length..], h => h.Value.First());
        return new ObjectMeta
        {
            Bucket = bucket, Name = name,
            Size = response.Content.Headers.ContentRange?.Length ?? response.Content.Headers.ContentLength ?? 0,
            Checksum = Header("X-Oais-Checksum-Value"),
            ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream",
            Custom = custom,
            Version = long.TryParse(Header("X-Oais-Version"), out var v) ? v : 0,
            Modified = response.Content.Headers.LastModified ?? default,
            Node = Header("X-Oais-Node"),
        };
    }

    private static ObjectMeta ParseMeta(JsonElement e) => new()
    {
        Bucket = e.GetProperty("bucket").GetString()!,
        Name = e.GetProperty("name").GetString()!,
        Size = e.GetProperty("size").GetInt64(),
        Checksum = e.GetProperty("checksum").GetString()!,
        ContentType = e.GetProperty("content_type").GetString()!,
        Custom = e.GetProperty("custom").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
        Version = e.GetProperty("version").GetInt64(),
        Modified = e.GetProperty("modified").GetDateTimeOffset(),
        Node = e.GetProperty("node").GetString()!,
    };

    /// <summary>Turns the API's JSON error ({"error":{"code","message"}}) back into the <see cref="OaisException"/> it came from.</summary>
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var doc = JsonDocument.Parse(text);
            var error = doc.RootElement.GetProperty("error");
            var code = Enum.TryParse<OaisErrorCode>(error.GetProperty("code").GetString(), out var c) ? c : CodeOf(response.StatusCode);
            throw new OaisException(code, error.GetProperty("message").GetString() ?? text);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new OaisException(CodeOf(response.StatusCode), $"HTTP {(int)response.StatusCode}: {text}");
        }
    }

    private static OaisErrorCode CodeOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NotFound => OaisErrorCode.ObjectNotFound,
        HttpStatusCode.GatewayTimeout => OaisErrorCode.TransformTimeout,
        HttpStatusCode.InternalServerError => OaisErrorCode.TransformFailed,
        HttpStatusCode.RequestedRangeNotSatisfiable => OaisErrorCode.InvalidRange,
        HttpStatusCode.Conflict => OaisErrorCode.Conflict,
        HttpStatusCode.BadRequest => OaisErrorCode.InvalidArgument,
        _ => OaisErrorCode.Unavailable,
    };
}
