using System.Buffers;
using System.Net.WebSockets;

namespace OrleansAis.Etl.Sdk;

/// <summary>
/// The transform's output as one binary ws message: writes go out as frames of up to 256 KiB while the transformer
/// runs; <see cref="EndMessageAsync"/> ends the message (an empty one when nothing was written).
/// </summary>
internal sealed class WebSocketMessageStream(WebSocket socket) : Stream
{
    public const int FrameBytes = 256 << 10;
    // Rented at the first small write and returned with the message: one per object, and most objects are small.
    private byte[]? _frame;
    private int _filled;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        // A large write goes out as its own frame, without a copy into the frame buffer; small ones are gathered.
        if (_filled == 0 && data.Length >= FrameBytes)
        {
            await socket.SendAsync(data, WebSocketMessageType.Binary, endOfMessage: false, ct);
            return;
        }
        _frame ??= ArrayPool<byte>.Shared.Rent(FrameBytes);
        while (data.Length > 0)
        {
            var n = Math.Min(data.Length, FrameBytes - _filled);
            data[..n].CopyTo(_frame.AsMemory(_filled));
            _filled += n;
            data = data[n..];
            if (_filled == FrameBytes)
            {
                await socket.SendAsync(_frame.AsMemory(0, FrameBytes), WebSocketMessageType.Binary, endOfMessage: false, ct);
                _filled = 0;
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    // Transformers that write synchronously (a StreamWriter without async) still work; they block a thread meanwhile.
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public async Task EndMessageAsync(CancellationToken ct)
    {
        await socket.SendAsync(_frame is null ? ReadOnlyMemory<byte>.Empty : _frame.AsMemory(0, _filled), WebSocketMessageType.Binary, endOfMessage: true, ct);
        _filled = 0;
        if (_frame is { } frame) ArrayPool<byte>.Shared.Return(frame);
        _frame = null;
    }

    // Frames go out when full or at the end of the message; a flush in between would only make more, smaller frames.
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
