using System.Buffers;

namespace OrleansAis.Client;

/// <summary>
/// One object of a <see cref="OaisClient.ReadManyAsync(string, IEnumerable{string}, ReadManyOptions?, CancellationToken)"/>,
/// read completely: its name, metadata and bytes. Dispose it once its content is consumed: the buffer goes back to a
/// pool for the next read.
/// </summary>
public sealed class ObjectRead : IDisposable, IAsyncDisposable
{
    private byte[]? _pooled;

    internal ObjectRead(string name, ObjectMeta meta, byte[] pooledBuffer, int length)
    {
        Name = name;
        Meta = meta;
        Length = length;
        _pooled = pooledBuffer;
        Content = new MemoryStream(pooledBuffer, 0, length, writable: false, publiclyVisible: false);
    }

    public string Name { get; }

    /// <summary>The object's metadata (for an ETL's output: the node that transformed it; see <see cref="ObjectReadStream.Meta"/>).</summary>
    public ObjectMeta Meta { get; }

    public Stream Content { get; }

    public int Length { get; }

    public void Deconstruct(out string name, out Stream content)
    {
        name = Name;
        content = Content;
    }

    public void Dispose()
    {
        Content.Dispose();
        if (Interlocked.Exchange(ref _pooled, null) is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
