namespace OrleansAis.Client;

/// <summary>
/// An object's bytes (or a range of them, or an ETL's output) as they arrive from the node that serves them, like
/// AWSSDK.S3's <c>GetObjectResponse.ResponseStream</c>. Read-only and forward-only. Dispose it when done: disposing
/// before the end releases the connection (or the chunked read) at once.
/// </summary>
public sealed class ObjectReadStream : Stream
{
    private readonly Stream _content;
    private readonly IAsyncDisposable? _resources;
    private long _read;

    internal ObjectReadStream(Stream content, ObjectMeta meta, long? contentLength, bool isPartial, IAsyncDisposable? resources)
    {
        _content = content;
        _resources = resources;
        Meta = meta;
        ContentLength = contentLength;
        IsPartial = isPartial;
    }

    /// <summary>
    /// The object's metadata. For an ETL's output only <see cref="ObjectMeta.Node"/> (the node whose transformer
    /// produced it) and the names are the object's; the size is the output's when it was known up front, else 0.
    /// </summary>
    public ObjectMeta Meta { get; }

    /// <summary>How many bytes this stream delivers, when known before reading (always, except for some ETL outputs).</summary>
    public long? ContentLength { get; }

    /// <summary>True when the stream is a range of the object rather than all of it.</summary>
    public bool IsPartial { get; }

    /// <summary>Bytes read so far.</summary>
    public long BytesRead => _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => ContentLength ?? throw new NotSupportedException("the length of this ETL output is not known before it is read");

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Counted(_content.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Counted(_content.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await _content.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Counted(int n)
    {
        _read += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _content.Dispose();
            if (_resources is IDisposable resources) resources.Dispose();
            else _resources?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _content.DisposeAsync();
        if (_resources is not null) await _resources.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
