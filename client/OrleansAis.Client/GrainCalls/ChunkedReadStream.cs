namespace OrleansAis.Client.GrainCalls;

/// <summary>
/// Bytes pulled in bounded chunks from a source of grain calls, one chunk read ahead to hide the round trip; at most
/// two chunks in memory. <paramref name="next"/> returns an empty chunk at the end.
/// </summary>
internal sealed class ChunkedReadStream : Stream
{
    private readonly Func<CancellationToken, Task<byte[]>> _next;
    private readonly CancellationTokenSource _stop = new();
    private Task<byte[]>? _pending;
    private byte[] _chunk = [];
    private int _position;
    private bool _ended;

    private ChunkedReadStream(Func<CancellationToken, Task<byte[]>> next) => _next = next;

    /// <summary>
    /// Starts the stream with its first chunk already in, so that what fails at the start (a missing object, an ETL
    /// that is not running) fails the open, as an HTTP answer's status does, rather than the first read.
    /// </summary>
    public static async Task<ChunkedReadStream> StartAsync(Func<CancellationToken, Task<byte[]>> next, CancellationToken ct)
    {
        var stream = new ChunkedReadStream(next);
        try
        {
            stream._chunk = await next(stream._stop.Token).WaitAsync(ct);
            if (stream._chunk.Length == 0) stream._ended = true;
            else stream._pending = next(stream._stop.Token);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0) return 0;
        while (_position == _chunk.Length)
        {
            if (_ended) return 0;
            _chunk = await (_pending ?? _next(_stop.Token)).WaitAsync(cancellationToken);
            _position = 0;
            _pending = null;
            if (_chunk.Length == 0) _ended = true;
            else _pending = _next(_stop.Token);
        }
        var n = Math.Min(buffer.Length, _chunk.Length - _position);
        _chunk.AsMemory(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            // A read ahead still in flight is abandoned; observe its failure so it is not reported as unobserved.
            _pending?.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            _stop.Dispose();
        }
        base.Dispose(disposing);
    }
}
