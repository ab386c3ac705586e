using System.Buffers;
using System.Net.WebSockets;
using OrleansAis.Etl.Protocol;

namespace OrleansAis.Etl.Sdk;

/// <summary>
/// One binary ws message as a read-only stream: reads go straight to the socket and end with the message.
/// <see cref="DrainAsync"/> reads and drops whatever the transformer left, so the connection stays in step.
/// </summary>
internal sealed class WebSocketMessageReadStream(WebSocket socket) : ReadOnlyStream
{
    private bool _ended;

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
}
