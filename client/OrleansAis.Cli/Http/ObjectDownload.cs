namespace OrleansAis.Cli.Http;

/// <summary>An object's GET response whose body has not been read yet: metadata first, then the bytes as a stream.</summary>
internal sealed class ObjectDownload(HttpResponseMessage response, Stream content, ObjectMetadata metadata) : IAsyncDisposable
{
    public ObjectMetadata Metadata { get; } = metadata;

    /// <summary>The body: the whole object, or the requested range of it (<see cref="IsPartial"/>).</summary>
    public Stream Content { get; } = content;

    /// <summary>Bytes in <see cref="Content"/>.</summary>
    public long ContentLength { get; } = response.Content.Headers.ContentLength ?? metadata.Size;

    public bool IsPartial { get; } = response.StatusCode == System.Net.HttpStatusCode.PartialContent;

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync();
        response.Dispose();
    }
}
