using System.Net.WebSockets;
using System.Text.Json;

namespace OrleansAis.EtlHost.Tests.Infrastructure;

/// <summary>The silo's side of ws://, written from the protocol description: control + object out, result + status in.</summary>
public sealed class WsTransformClient : IAsyncDisposable
{
    private const int FrameBytes = 1 << 16;
    private readonly ClientWebSocket _socket = new();

    public static async Task<WsTransformClient> ConnectAsync(Uri transformer)
    {
        var client = new WsTransformClient();
        await client._socket.ConnectAsync(new Uri($"ws://{transformer.Authority}/ws"), CancellationToken.None);
        return client;
    }

    /// <summary>The control message, then (unless <paramref name="fqn"/>) the object as one binary message in 64 KiB frames.</summary>
    public async Task SendAsync(long id, string path, byte[]? body, string? etlArgs = null, string? fqn = null, string? dstUrl = null)
    {
        var control = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["id"] = id, ["path"] = path, ["etl_args"] = etlArgs, ["fqn"] = fqn, ["dst_url"] = dstUrl,
        });
        await SendTextAsync(control);
        if (fqn is not null) return;
        body ??= [];
        if (body.Length == 0) await _socket.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Binary, true, CancellationToken.None);
        for (var offset = 0; offset < body.Length; offset += FrameBytes)
        {
            var n = Math.Min(FrameBytes, body.Length - offset);
            await _socket.SendAsync(body.AsMemory(offset, n), WebSocketMessageType.Binary, offset + n == body.Length, CancellationToken.None);
        }
    }

    public Task SendTextAsync(byte[] utf8) => _socket.SendAsync(utf8, WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>One object's answer: the result message (none after a direct put), then the status.</summary>
    public async Task<WsResult> ReceiveAsync(bool directPut = false)
    {
        var body = directPut ? null : await ReceiveMessageAsync(WebSocketMessageType.Binary);
        using var status = JsonDocument.Parse(await ReceiveMessageAsync(WebSocketMessageType.Text));
        var root = status.RootElement;
        return new WsResult(
            body,
            root.GetProperty("id").GetInt64(),
            root.GetProperty("status").GetString()!,
            root.GetProperty("message").GetString(),
            root.GetProperty("direct_put_length").ValueKind == JsonValueKind.Number ? root.GetProperty("direct_put_length").GetInt64() : null);
    }

    /// <summary>What the server says next when it closes the connection (status and reason).</summary>
    public async Task<(WebSocketCloseStatus? Status, string? Reason)> ReceiveCloseAsync()
    {
        var buffer = new byte[FrameBytes];
        while ((await _socket.ReceiveAsync(buffer, CancellationToken.None)).MessageType != WebSocketMessageType.Close) { }
        return (_socket.CloseStatus, _socket.CloseStatusDescription);
    }

    private async Task<byte[]> ReceiveMessageAsync(WebSocketMessageType expected)
    {
        var message = new MemoryStream();
        var buffer = new byte[FrameBytes];
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal(expected, result.MessageType);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return message.ToArray();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        _socket.Dispose();
    }
}

/// <summary>One object's answer over ws.</summary>
public sealed record WsResult(byte[]? Body, long Id, string Status, string? Message, long? DirectPutLength)
{
    public string Text => Encoding.UTF8.GetString(Body ?? []);
}
