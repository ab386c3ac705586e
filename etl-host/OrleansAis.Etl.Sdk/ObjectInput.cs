using System.Net;

namespace OrleansAis.Etl.Sdk;

/// <summary>An object's bytes for one transform, and what must be released once they are read.</summary>
internal sealed class ObjectInput(Stream stream, IDisposable? owner) : IAsyncDisposable
{
    public Stream Stream => stream;

    /// <summary>A stream someone else closes (the request body: Kestrel owns it).</summary>
    public static ObjectInput Borrowed(Stream stream) => new(stream, owner: null);

    /// <summary>fqn mode: the object's file on the silo's (read-only mounted) disk.</summary>
    public static ObjectInput OpenFile(string fqn)
    {
        if (!Path.IsPathFullyQualified(fqn)) throw new TransformerException(HttpStatusCode.BadRequest, $"etl_fqn must be an absolute path: '{fqn}'");
        var file = new FileStream(fqn, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        return new ObjectInput(file, file);
    }

    /// <summary>The body of a raw-object GET; disposing the response closes it.</summary>
    public static async Task<ObjectInput> FromResponseAsync(HttpResponseMessage response, CancellationToken ct) =>
        new(await response.Content.ReadAsStreamAsync(ct), response);

    public ValueTask DisposeAsync()
    {
        owner?.Dispose();
        return ValueTask.CompletedTask;
    }
}
