using System.Net.Http.Headers;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Client;

/// <summary>
/// Object bytes over the owner silo's HTTP API (<c>/v1/objects/...</c>): streamed from and to its disk,
/// an order of magnitude cheaper than carrying them through grain messages.
/// </summary>
internal sealed class OwnerHttpTransport(IHttpClientFactory? httpClients)
{
    private const int CopyBufferBytes = 1 << 20;

    private static readonly Lazy<HttpClient> Shared = new(() => new HttpClient(new SocketsHttpHandler
    {
        AllowAutoRedirect = true,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    }) { Timeout = Timeout.InfiniteTimeSpan });

    public const string HttpClientName = "oais-client";

    private OaisHttpClient At(NodeInfo node) => new(httpClients?.CreateClient(HttpClientName) ?? Shared.Value, new Uri(node.HttpUrl));

    public Task<ObjectMeta> PutAsync(NodeInfo owner, string bucket, string name, Stream content, PutOptions options, CancellationToken ct) =>
        AsOaisErrors(async () =>
        {
            var body = new StreamContent(content, CopyBufferBytes);
            body.Headers.ContentType = MediaTypeHeaderValue.Parse(options.ContentType ?? "application/octet-stream");
            if (options.ExpectedSize is { } size) body.Headers.ContentLength = size;
            return ToMeta(await At(owner).PutObjectAsync(bucket, name, body, options.Custom, options.ExpectedChecksum, ct));
        });

    public Task<ObjectMeta> GetAsync(NodeInfo owner, string bucket, string name, Stream destination, long offset, long? length, CancellationToken ct) =>
        AsOaisErrors(async () =>
        {
            var range = offset != 0 || length is not null ? new RangeHeaderValue(offset, length is { } l ? offset + l - 1 : null) : null;
            await using var download = await At(owner).GetObjectAsync(bucket, name, range, ct);
            await download.Content.CopyToAsync(destination, CopyBufferBytes, ct);
            return ToMeta(download.Metadata);
        });

    public Task GetTransformedAsync(NodeInfo owner, string bucket, string name, string etlName, string? etlArgs, Stream destination, CancellationToken ct) =>
        AsOaisErrors(async () =>
        {
            await using var download = await At(owner).GetTransformedAsync(etlName, bucket, name, etlArgs, ct);
            await download.Content.CopyToAsync(destination, CopyBufferBytes, ct);
            return true;
        });

    private static ObjectMeta ToMeta(ObjectMetaDto m) => new()
    {
        Bucket = m.Bucket, Name = m.Name, Size = m.Size, Checksum = m.Checksum,
        ContentType = m.ContentType is { Length: > 0 } type ? type : "application/octet-stream",
        Custom = m.Custom, Version = m.Version, Modified = m.Modified, Node = m.Node,
    };

    /// <summary>Turns the API's error answers back into the <see cref="OaisException"/> they came from.</summary>
    private static async Task<T> AsOaisErrors<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (OaisApiException e)
        {
            throw new OaisException(e.ErrorCode, e.Message);
        }
    }
}
