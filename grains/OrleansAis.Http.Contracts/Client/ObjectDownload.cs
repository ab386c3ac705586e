using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace OrleansAis.Http.Contracts;

/// <summary>A GET response whose body has not been read yet: metadata from the headers first, then the bytes as a stream.</summary>
public sealed class ObjectDownload(HttpResponseMessage response, Stream content, ObjectMetaDto metadata) : IAsyncDisposable, IDisposable
{
    public HttpResponseMessage Response { get; } = response;

    /// <summary>
    /// What the headers say. For an inline transform only <see cref="ObjectMetaDto.Node"/> (the silo whose transformer
    /// produced the body) is the object's; the size is the body's when the transformer's length is known, else 0.
    /// </summary>
    public ObjectMetaDto Metadata { get; } = metadata;

    /// <summary>The body: the whole object, the requested range of it (<see cref="IsPartial"/>), or a transform's output.</summary>
    public Stream Content { get; } = content;

    /// <summary>Bytes in <see cref="Content"/>: the Content-Length, else the size the headers give.</summary>
    public long ContentLength => Response.Content.Headers.ContentLength ?? Metadata.Size;

    public bool IsPartial => Response.StatusCode == HttpStatusCode.PartialContent;

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync();
        Response.Dispose();
    }

    public void Dispose()
    {
        Content.Dispose();
        Response.Dispose();
    }
}

/// <summary>An object's metadata from the <c>X-Oais-*</c> headers of a GET or HEAD answer.</summary>
public static class ObjectMetaHeaders
{
    public static ObjectMetaDto Read(string bucket, string name, HttpResponseMessage response)
    {
        var content = response.Content.Headers;
        // A 206 carries the object's size in Content-Range; otherwise the body is the whole object.
        var size = content.ContentRange?.Length ?? content.ContentLength ?? 0;
        var prefix = OaisHeaders.MetaPrefix;
        var custom = response.Headers
            .Where(h => h.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && h.Key.Length > prefix.Length)
            .ToDictionary(h => h.Key[prefix.Length..].ToLowerInvariant(),
                h => MetadataText.Decode(h.Key, string.Join(",", h.Value)).Value ?? string.Join(",", h.Value), StringComparer.Ordinal); // RFC 2047 -> text
        return new ObjectMetaDto(
            bucket,
            name,
            size,
            Header(response.Headers, OaisHeaders.ChecksumValue),
            Header(response.Headers, OaisHeaders.ChecksumType),
            content.ContentType?.ToString() ?? "",
            long.TryParse(Header(response.Headers, OaisHeaders.Version), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : 0,
            content.LastModified ?? default,
            Header(response.Headers, OaisHeaders.Node),
            custom);
    }

    private static string Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";
}
