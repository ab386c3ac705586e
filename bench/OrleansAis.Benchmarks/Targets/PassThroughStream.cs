namespace OrleansAis.Benchmarks.Targets;

/// <summary>
/// The client-side identity transform: a read-only stream that hands on the bytes of <paramref name="source"/>
/// unchanged as they are read (no buffering of the whole object) and counts them, so a short source is noticed.
/// </summary>
public sealed class PassThroughStream(Stream source) : Stream
{
    public long Transferred { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => Transferred;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Counted(source.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => Counted(await source.ReadAsync(buffer, ct));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        Counted(await source.ReadAsync(buffer.AsMemory(offset, count), ct));

    private int Counted(int n)
    {
        Transferred += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) source.Dispose();
        base.Dispose(disposing);
    }
}
