using System.Net;
using OrleansAis.Etl.Protocol;

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
        var file = new FileStream(fqn, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
        return new ObjectInput(new LocalFileStream(file), file);
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

/// <summary>
/// A local file whose asynchronous reads are plain reads: on Linux an "asynchronous" file read is the same system call
/// on a thread-pool thread, and from the page cache it is a memory copy, cheaper than the hop.
/// </summary>
internal sealed class LocalFileStream(FileStream file) : ReadOnlyStream
{
    public override long Length => file.Length;
    public override long Position { get => file.Position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => file.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => file.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return ValueTask.FromResult(file.Read(buffer.Span));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) file.Dispose();
        base.Dispose(disposing);
    }
}
