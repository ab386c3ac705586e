using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrleansAis.Etl.Sdk;

/// <summary>
/// ws://: one connection carries many objects, one at a time. Per object the silo sends a JSON control message and
/// (unless fqn) the object as one binary message; the host answers with the result as one binary message (unless the
/// result went to <c>dst_url</c> by direct put) and then a JSON status that always says "ok" or "error".
/// Input and output both stream; on an error the result message is ended early and the status says so, so a failed
/// transform can never pass for a result.
/// </summary>
internal static class WebSocketTransforms
{
    private const int FrameBytes = 1 << 16;

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
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            log.LogDebug("websocket ended: {Message}", e.Message);
        }
    }

    private static async Task TransformOneAsync(WebSocket socket, WsControl control, TransformDispatcher dispatcher, ILogger log, CancellationToken ct)
    {
        var slash = control.Path.IndexOf('/');
        var (bucket, name) = slash > 0 ? (control.Path[..slash], control.Path[(slash + 1)..]) : (control.Path, "");
        Pipe? inputPipe = null;
        Task pump = Task.CompletedTask;
        Stream input;
        if (control.Fqn is { } fqn)
        {
            input = TransformDispatcher.OpenFqn(fqn);
        }
        else
        {
            inputPipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19));
            pump = PumpBinaryAsync(socket, inputPipe.Writer, ct);
            input = inputPipe.Reader.AsStream();
        }
        var request = new TransformRequest { Input = input, Bucket = bucket, ObjectName = name, EtlArgs = control.EtlArgs, Fqn = control.Fqn };
        var output = control.DstUrl is null ? new BinaryMessageStream(socket) : null;
        WsReply reply;
        try
        {
            if (control.DstUrl is { } destination)
            {
                var length = await dispatcher.TransformToAsync(request, destination, ct);
                reply = new WsReply(control.Id, "ok", null, length);
            }
            else
            {
                await dispatcher.RunAsync(request, output!, ct);
                reply = new WsReply(control.Id, "ok", null, null);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning("ws transform of {Path} failed: {Message}", control.Path, e.Message);
            reply = new WsReply(control.Id, "error", "transformer error: " + e.Message, null);
        }
        finally
        {
            // Whatever the transformer left unread is drained, so the next control message is where we expect it.
            if (inputPipe is not null) await inputPipe.Reader.CompleteAsync();
            await pump;
            await input.DisposeAsync();
        }
        if (output is not null) await output.EndMessageAsync(ct);
        await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(reply, WsJson.Default.WsReply), WebSocketMessageType.Text, true, ct);
    }

    /// <summary>Copies one binary message into the pipe; keeps reading (and dropping) it once the reader has stopped.</summary>
    private static async Task PumpBinaryAsync(WebSocket socket, PipeWriter writer, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(FrameBytes);
        var readerGone = false;
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(0, FrameBytes), ct);
                if (result.MessageType != WebSocketMessageType.Binary) throw new IOException("expected the object as a binary message");
                if (!readerGone && result.Count > 0)
                {
                    var flush = await writer.WriteAsync(buffer.AsMemory(0, result.Count), ct);
                    readerGone = flush.IsCompleted;
                }
                if (result.EndOfMessage) break;
            }
            await writer.CompleteAsync();
        }
        catch (Exception e)
        {
            await writer.CompleteAsync(e);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<WsControl?> ReceiveControlAsync(WebSocket socket, CancellationToken ct)
    {
        var message = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            if (result.MessageType != WebSocketMessageType.Text) throw new IOException("expected a JSON control message");
            message.Write(buffer, 0, result.Count);
            if (message.Length > 1 << 20) throw new IOException("control message over 1 MiB");
            if (result.EndOfMessage) break;
        }
        return JsonSerializer.Deserialize(message.ToArray(), WsJson.Default.WsControl) ?? throw new IOException("empty control message");
    }

    /// <summary>Writes become frames of one binary message; <see cref="EndMessageAsync"/> ends it (empty when nothing was written).</summary>
    private sealed class BinaryMessageStream(WebSocket socket) : Stream
    {
        private readonly byte[] _buffer = new byte[FrameBytes];
        private int _filled;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
        {
            while (data.Length > 0)
            {
                var n = Math.Min(data.Length, _buffer.Length - _filled);
                data[..n].CopyTo(_buffer.AsMemory(_filled));
                _filled += n;
                data = data[n..];
                if (_filled == _buffer.Length)
                {
                    await socket.SendAsync(_buffer.AsMemory(0, _filled), WebSocketMessageType.Binary, false, ct);
                    _filled = 0;
                }
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public async Task EndMessageAsync(CancellationToken ct)
        {
            await socket.SendAsync(_buffer.AsMemory(0, _filled), WebSocketMessageType.Binary, true, ct);
            _filled = 0;
        }

        public override void Flush() { }
        public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    internal sealed record WsControl(
        [property: JsonPropertyName("id")] long Id,
        [property: JsonPropertyName("path")] string Path,
        [property: JsonPropertyName("etl_args")] string? EtlArgs,
        [property: JsonPropertyName("fqn")] string? Fqn,
        [property: JsonPropertyName("dst_url")] string? DstUrl);

    internal sealed record WsReply(
        [property: JsonPropertyName("id")] long Id,
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("message")] string? Message,
        [property: JsonPropertyName("direct_put_length")] long? DirectPutLength);
}

[JsonSerializable(typeof(WebSocketTransforms.WsControl))]
[JsonSerializable(typeof(WebSocketTransforms.WsReply))]
internal sealed partial class WsJson : JsonSerializerContext;
