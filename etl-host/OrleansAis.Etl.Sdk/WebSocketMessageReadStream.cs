using System.Buffers;
using System.Net.WebSockets;

namespace OrleansAis.Etl.Sdk;

/// <summary>
/// One binary ws message as a read-only stream: reads go straight to the socket and end with the message.
/// <see cref="DrainAsync"/> reads and drops whatever the transformer left, so the connection stays in step.
/// </summary>
internal sealed class WebSocketMessageReadStream(WebSocket socket) : Stream
{
    private bool _ended;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        while (!_ended && buffer.Length > 0)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) throw new IOException("the connection was closed in the middle of an object");
            if (result.MessageType != WebSocketMessageType.Binary) throw new WsProtocolException("expected the object as a binary message");
            _ended = result.EndOfMessage;
            if (result.Count > 0) return result.Count; // an empty frame is not the end of the object
        }
        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    // Transformers that read synchronously still work; they block a thread meanwhile.
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public async Task DrainAsync(CancellationToken ct)
    {
        if (_ended) return;
        var buffer = ArrayPool<byte>.Shared.Rent(WebSocketMessageStream.FrameBytes);
        try
        {
            while (await ReadAsync(buffer, ct) > 0) { }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
