using System.Net.Sockets;

namespace OrleansAis.EtlHost.Tests.Infrastructure;

/// <summary>
/// A PUT with a chunked body over a raw socket that reads the answer while it is still sending (HttpClient sends the
/// whole body first), to see whether the transformer's answer starts before the object has been sent.
/// </summary>
public sealed class ChunkedPut : IAsyncDisposable
{
    private readonly TcpClient _tcp = new() { NoDelay = true };
    private readonly MemoryStream _received = new();
    private readonly TaskCompletionSource _firstBodyBytes = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private NetworkStream _stream = null!;
    private Task _reading = Task.CompletedTask;

    public static async Task<ChunkedPut> StartAsync(Uri transformer, string path)
    {
        var put = new ChunkedPut();
        await put._tcp.ConnectAsync(transformer.Host, transformer.Port);
        put._stream = put._tcp.GetStream();
        await put._stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"PUT {path} HTTP/1.1\r\nHost: {transformer.Authority}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"));
        put._reading = put.ReadAllAsync();
        return put;
    }

    /// <summary>Completes once the answer's head and some of its body have arrived.</summary>
    public Task FirstBodyBytes => _firstBodyBytes.Task;

    public async Task SendChunkAsync(ReadOnlyMemory<byte> data)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes($"{data.Length:x}\r\n"));
        await _stream.WriteAsync(data);
        await _stream.WriteAsync("\r\n"u8.ToArray());
    }

    /// <summary>Ends the body and returns the answer's status line and decoded body.</summary>
    public async Task<(string StatusLine, byte[] Body)> FinishAsync()
    {
        await _stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        await _reading;
        return Parse(_received.ToArray());
    }

    private async Task ReadAllAsync()
    {
        var buffer = new byte[1 << 16];
        int n;
        while ((n = await _stream.ReadAsync(buffer)) > 0)
        {
            _received.Write(buffer, 0, n);
            var all = _received.GetBuffer().AsSpan(0, (int)_received.Length);
            var bodyStart = all.IndexOf("\r\n\r\n"u8) + 4;
            if (bodyStart < 4) continue;
            // The first chunk's size line and at least one byte of its data.
            var sizeLine = all[bodyStart..].IndexOf("\r\n"u8);
            if (sizeLine >= 0 && all.Length > bodyStart + sizeLine + 2) _firstBodyBytes.TrySetResult();
        }
        _firstBodyBytes.TrySetException(new IOException("the answer ended before any body bytes"));
    }

    private static (string StatusLine, byte[] Body) Parse(byte[] answer)
    {
        var headEnd = answer.AsSpan().IndexOf("\r\n\r\n"u8);
        var head = Encoding.ASCII.GetString(answer, 0, headEnd);
        var statusLine = head[..head.IndexOf("\r\n", StringComparison.Ordinal)];
        if (!head.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            // A transformer that had the whole result before answering (Python's bytes API) gives its length instead.
            Assert.Contains("content-length:", head, StringComparison.OrdinalIgnoreCase);
            return (statusLine, answer[(headEnd + 4)..]);
        }
        var body = new MemoryStream();
        var at = headEnd + 4;
        while (true)
        {
            var lineEnd = answer.AsSpan(at).IndexOf("\r\n"u8) + at;
            var size = Convert.ToInt32(Encoding.ASCII.GetString(answer, at, lineEnd - at), 16);
            if (size == 0) break;
            body.Write(answer, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return (statusLine, body.ToArray());
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
