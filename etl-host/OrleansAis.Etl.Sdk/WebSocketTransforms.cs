using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansAis.Etl.Protocol;

namespace OrleansAis.Etl.Sdk;

/// <summary>
/// ws://: one connection carries many objects, one after the other. Per object the silo sends a JSON control message
/// (<see cref="WsControl"/>) and, unless fqn, the object as one binary message; the host answers with the result as
/// one binary message (none when the result went to <c>dst_url</c> by direct put) and then a JSON status
/// (<see cref="WsReply"/>) that always says "ok" or "error". Both directions stream; a result followed by "error" is a
/// failure, so a transformer error can never pass for a result.
/// </summary>
internal static class WebSocketTransforms
{
    private const int MaxControlBytes = 1 << 20;

    public static async Task ServeAsync(HttpContext context, TransformDispatcher dispatcher, ILogger log)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("expected a websocket upgrade");
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var ct = context.RequestAborted;
        try
        {
            while (await ReceiveControlAsync(socket, ct) is { } control)
                await TransformOneAsync(socket, control, dispatcher, log, ct);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (WsProtocolException e)
        {
            log.LogWarning("ws protocol error, closing the connection: {Message}", e.Message);
            await CloseQuietlyAsync(socket, WebSocketCloseStatus.ProtocolError, e.Message);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            log.LogDebug("ws connection ended: {Message}", e.Message);
        }
    }

    private static async Task TransformOneAsync(WebSocket socket, WsControl control, TransformDispatcher dispatcher, ILogger log, CancellationToken ct)
    {
        var (bucket, name) = ObjectPath.Split(control.Path);
        // The transformer reads the object's binary message straight off the socket (no pipe, no extra copy); the
        // result goes out on the same socket meanwhile, since a websocket sends and receives independently.
        var received = control.Fqn is null ? new WebSocketMessageReadStream(socket) : null;
        var output = control.DstUrl is null ? new WebSocketMessageStream(socket) : null;
        ObjectInput? input = null;
        WsReply reply;
        try
        {
            input = received is null ? ObjectInput.OpenFile(control.Fqn!) : ObjectInput.Borrowed(received);
            var request = new TransformRequest { Input = input.Stream, Bucket = bucket, ObjectName = name, EtlArgs = control.EtlArgs, Fqn = control.Fqn };
            if (control.DstUrl is { } destination)
            {
                reply = WsReply.Ok(control.Id, await dispatcher.RunToDestinationAsync(request, destination, ct));
            }
            else
            {
                await dispatcher.RunAsync(request, output!, ct);
                reply = WsReply.Ok(control.Id, directPutLength: null);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (e is WsProtocolException or WebSocketException) throw; // the connection is out of step: close it
            log.LogWarning("ws {Path} failed: {Message}", control.Path, e.Message);
            reply = WsReply.Error(control.Id, "transformer error: " + e.Message);
        }
        finally
        {
            if (input is not null) await input.DisposeAsync();
        }
        // Whatever the transformer left unread is drained, so the next control message is where it is expected.
        if (received is not null) await received.DrainAsync(ct);
        if (output is not null) await output.EndMessageAsync(ct);
        await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(reply, WsJson.Default.WsReply), WebSocketMessageType.Text, endOfMessage: true, ct);
    }

    /// <summary>The next control message, or null when the peer closes the connection.</summary>
    private static async Task<WsControl?> ReceiveControlAsync(WebSocket socket, CancellationToken ct)
    {
        var message = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            if (result.MessageType != WebSocketMessageType.Text) throw new WsProtocolException("expected a JSON control message (text)");
            message.Write(buffer, 0, result.Count);
            if (message.Length > MaxControlBytes) throw new WsProtocolException("control message over 1 MiB");
            if (result.EndOfMessage) break;
        }
        try
        {
            return JsonSerializer.Deserialize(message.GetBuffer().AsSpan(0, (int)message.Length), WsJson.Default.WsControl)
                ?? throw new WsProtocolException("control message is null");
        }
        catch (JsonException e)
        {
            throw new WsProtocolException("bad control message: " + e.Message);
        }
    }

    private static async Task CloseQuietlyAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        // A close reason is at most 123 bytes of UTF-8.
        while (Encoding.UTF8.GetByteCount(reason) > 123) reason = reason[..^1];
        try
        {
            await socket.CloseOutputAsync(status, reason, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or IOException)
        {
            // the peer is gone already
        }
    }
}
