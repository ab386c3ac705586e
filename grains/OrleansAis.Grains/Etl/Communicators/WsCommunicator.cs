using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using OrleansAis.Etl.Protocol;
using OrleansAis.Etl.Protocol.Transport;

namespace OrleansAis.Etl.Communicators;

/// <summary>
/// ws://: pooled long-lived WebSocket connections to the transformer's <c>/ws</c>. Per object: a JSON control message,
/// the object as one binary message (none in fqn mode); the transformer answers with the result as one binary message
/// (none with direct put) and then a JSON status that always says ok or error. The object is sent while the result
/// arrives (both stream); a result followed by an error status is a failure, never a result. A connection carries
/// one object at a time, so replies are in order; one in an unknown state (error, cancellation) is dropped.
/// </summary>
public sealed class WsCommunicator(CommunicatorContext context, int maxConnections) : IEtlCommunicator
{
    private const int ChunkBytes = 256 << 10; // frames as large as the transformer's socket reads
    private readonly ConcurrentBag<ClientWebSocket> _idle = [];
    private readonly SemaphoreSlim _slots = new(maxConnections, maxConnections);
    // Connections go over the transformer's Unix socket when it has one.
    private readonly HttpMessageInvoker _invoker = new(LocalSockets.Handler(context.Socket, context.Endpoint));
    private long _nextId;

    public EtlCommunication Kind => EtlCommunication.Ws;

    public async Task<TransformOutcome> TransformAsync(TransformJob job, Stream output, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        ClientWebSocket? socket = null;
        try
        {
            socket = _idle.TryTake(out var pooled) && pooled.State == WebSocketState.Open ? pooled : await ConnectAsync(ct);
            var outcome = await ExchangeAsync(socket, job, output, ct);
            _idle.Add(socket);
            socket = null;
            return outcome;
        }
        catch (Exception e) when (e is WebSocketException or IOException)
        {
            throw new OaisException(OaisErrorCode.TransformFailed, $"transformer of ETL '{context.Spec.Name}' on {context.NodeId}: websocket failed: {e.Message}");
        }
        finally
        {
            socket?.Dispose();
            _slots.Release();
        }
    }

    private async Task<ClientWebSocket> ConnectAsync(CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        var endpoint = context.Endpoint!;
        try
        {
            await socket.ConnectAsync(new Uri($"ws://{endpoint.Host}:{endpoint.Port}/ws"), _invoker, ct);
            return socket;
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException)
        {
            socket.Dispose();
            throw new OaisException(OaisErrorCode.Unavailable,
                $"transformer of ETL '{context.Spec.Name}' on {context.NodeId} is not reachable over ws (crashed or restarting; retry): {e.Message}");
        }
    }

    private async Task<TransformOutcome> ExchangeAsync(ClientWebSocket socket, TransformJob job, Stream output, CancellationToken ct)
    {
        var id = Interlocked.Increment(ref _nextId);
        var fqn = job.ReadsFile(context.Spec);
        var control = new WsControl(id, job.Bucket + "/" + job.Name, job.EtlArgs, fqn ? job.Source.DataPath : null, job.DirectPutUrl);
        await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(control, WsJson.Default.WsControl), WebSocketMessageType.Text, true, ct);
        // Send while receiving: a streaming transformer answers before it has read everything.
        var sending = fqn ? Task.CompletedTask : job.Input is { } input ? SendStreamAsync(socket, input, ct) : SendObjectAsync(socket, job, ct);
        try
        {
            var received = job.DirectPutUrl is null ? await ReceiveBinaryAsync(socket, output, ct) : 0;
            await sending;
            var reply = JsonSerializer.Deserialize(await ReceiveTextAsync(socket, ct), WsJson.Default.WsReply)
                ?? throw new OaisException(OaisErrorCode.TransformFailed, "transformer sent an empty ws status");
            if (reply.Id != id)
                throw new OaisException(OaisErrorCode.TransformFailed, $"transformer answered object {reply.Id} while {id} was expected");
            if (reply.Status != "ok")
                throw new OaisException(OaisErrorCode.TransformFailed,
                    $"transformer of ETL '{context.Spec.Name}' on {context.NodeId}: {reply.Message ?? "error (no message)"}");
            return job.DirectPutUrl is null ? new TransformOutcome(received, DirectPut: false) : new TransformOutcome(reply.DirectPutLength ?? 0, DirectPut: true);
        }
        finally
        {
            // On failure the socket is dropped by the caller; make sure the send loop has stopped touching it.
            try { await sending; } catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or OaisException) { }
        }
    }

    private static async Task SendObjectAsync(ClientWebSocket socket, TransformJob job, CancellationToken ct)
    {
        var size = job.Source.Meta.Size;
        if (size == 0)
        {
            await socket.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Binary, true, ct);
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (long offset = 0; offset < size;)
            {
                // Synchronous: from the page cache a memory copy, cheaper than a hop to another thread.
                var n = job.Source.ReadAt(offset, buffer.AsSpan(0, (int)Math.Min(ChunkBytes, size - offset)));
                if (n == 0) throw new IOException($"object ended at {offset} of {size} bytes");
                offset += n;
                await socket.SendAsync(buffer.AsMemory(0, n), WebSocketMessageType.Binary, offset == size, ct);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A piped input (a pipeline stage's) of unknown length: frames as it arrives, then an empty last frame.</summary>
    private static async Task SendStreamAsync(ClientWebSocket socket, Stream input, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int n;
            while ((n = await input.ReadAsync(buffer.AsMemory(0, ChunkBytes), ct)) > 0)
                await socket.SendAsync(buffer.AsMemory(0, n), WebSocketMessageType.Binary, false, ct);
            await socket.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Binary, true, ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<byte[]> ReceiveTextAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var message = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) throw new IOException("transformer closed the websocket");
            if (result.MessageType != WebSocketMessageType.Text) throw new IOException("expected a text (status) message from the transformer");
            message.Write(buffer, 0, result.Count);
            if (message.Length > 1 << 20) throw new IOException("status message over 1 MiB");
            if (result.EndOfMessage) return message.ToArray();
        }
    }

    private static async Task<long> ReceiveBinaryAsync(ClientWebSocket socket, Stream output, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long total = 0;
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(0, ChunkBytes), ct);
                if (result.MessageType == WebSocketMessageType.Close) throw new IOException("transformer closed the websocket mid-result");
                if (result.MessageType != WebSocketMessageType.Binary) throw new IOException("expected the binary result message");
                // An empty frame must not start an HTTP response that may still have to become an error.
                if (result.Count > 0) await output.WriteAsync(buffer.AsMemory(0, result.Count), ct);
                total += result.Count;
                if (result.EndOfMessage) return total;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var socket)) socket.Dispose();
        _invoker.Dispose();
        return ValueTask.CompletedTask;
    }
}

