using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace OrleansAis.Etl.Communicators;

/// <summary>
/// An HTTP/1.1 PUT that reads the response while the request body is still being sent. HttpClient sends the whole
/// body before it reads anything, which deadlocks against a streaming transformer (its output backs up, so it stops
/// reading input) as soon as an object outgrows the socket buffers. One connection per request.
/// </summary>
internal static class DuplexHttpClient
{
    private const int MaxHeadBytes = 64 << 10;

    public static async Task<DuplexResponse> PutAsync(Uri uri, IEnumerable<KeyValuePair<string, string>> headers, Stream body, long length, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(uri.Host, uri.Port, ct);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new HttpRequestException($"connecting to {uri.Authority} failed: {e.Message}", e);
        }
        var stream = new NetworkStream(socket, ownsSocket: true);
        var head = new StringBuilder()
            .Append("PUT ").Append(uri.PathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(uri.Authority).Append("\r\n")
            .Append("Content-Length: ").Append(length.ToString(CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("Connection: close\r\n");
        foreach (var (name, value) in headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append("\r\n");
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct);
        }
        catch (IOException e)
        {
            await stream.DisposeAsync();
            throw new HttpRequestException($"sending to {uri.Authority} failed: {e.Message}", e);
        }
        var sending = SendBodyAsync(body, stream, ct);
        var reader = new ResponseReader(stream);
        try
        {
            var (status, responseHeaders) = await reader.ReadHeadAsync(ct);
            return new DuplexResponse(status, responseHeaders, reader.Body(responseHeaders), sending, stream);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            await stream.DisposeAsync();
            throw new HttpRequestException($"reading the answer of {uri.Authority} failed: {e.Message}", e);
        }
    }

    private static async Task SendBodyAsync(Stream body, Stream network, CancellationToken ct)
    {
        await Task.Yield();
        await body.CopyToAsync(network, 1 << 16, ct);
        await network.FlushAsync(ct);
    }

    /// <summary>Reads the status line and headers, then hands out the body (Content-Length, chunked, or until close).</summary>
    private sealed class ResponseReader(Stream network)
    {
        private readonly byte[] _buffer = new byte[MaxHeadBytes];
        private int _start, _end;

        public async Task<(int Status, Dictionary<string, string> Headers)> ReadHeadAsync(CancellationToken ct)
        {
            while (true)
            {
                var terminator = _buffer.AsSpan(0, _end).IndexOf("\r\n\r\n"u8);
                if (terminator >= 0)
                {
                    var lines = Encoding.ASCII.GetString(_buffer, 0, terminator).Split("\r\n");
                    _start = terminator + 4;
                    var statusParts = lines[0].Split(' ', 3);
                    if (statusParts.Length < 2 || !statusParts[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(statusParts[1], out var status))
                        throw new InvalidDataException($"bad status line '{lines[0]}'");
                    var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    foreach (var line in lines.Skip(1))
                    {
                        var colon = line.IndexOf(':');
                        if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                    }
                    if (status == 100) // an interim answer: the real one follows
                    {
                        Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                        _end -= _start;
                        _start = 0;
                        continue;
                    }
                    return (status, headers);
                }
                if (_end == _buffer.Length) throw new InvalidDataException("response head over 64 KiB");
                var n = await network.ReadAsync(_buffer.AsMemory(_end), ct);
                if (n == 0) throw new IOException("connection closed before the response head");
                _end += n;
            }
        }

        public Stream Body(Dictionary<string, string> headers)
        {
            // Buffered: chunk-size lines are read a byte at a time, which must not mean a receive call per byte.
            // Only reads go through the buffer; the request body is written to the socket directly.
            var raw = new PrefixedStream(_buffer.AsMemory(_start, _end - _start), new BufferedStream(network, 1 << 16));
            if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                return new ChunkedStream(raw);
            if (headers.TryGetValue("Content-Length", out var cl) && long.TryParse(cl, out var length)) return new LimitedStream(raw, length);
            return raw;
        }
    }
}

/// <summary>The answer of a <see cref="DuplexHttpClient"/> PUT; disposing closes the connection.</summary>
internal sealed class DuplexResponse(int status, Dictionary<string, string> headers, Stream body, Task sending, Stream connection) : IAsyncDisposable
{
    public int Status => status;
    public IReadOnlyDictionary<string, string> Headers => headers;
    public Stream Body => body;
    /// <summary>Completes when the whole request body was sent (faults if the server stopped reading it).</summary>
    public Task Sending => sending;

    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync();
        try { await sending; } catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException) { }
    }
}

/// <summary>Bytes already buffered, then the rest of the connection.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : ReadOnlyStream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_prefix.Length == 0) return await inner.ReadAsync(buffer, ct);
        var n = Math.Min(buffer.Length, _prefix.Length);
        _prefix[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        return n;
    }
}

/// <summary>Exactly <c>length</c> bytes of the inner stream.</summary>
internal sealed class LimitedStream(Stream inner, long length) : ReadOnlyStream
{
    private long _left = length;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_left == 0) return 0;
        var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _left)], ct);
        if (n == 0) throw new IOException($"connection closed with {_left} body bytes missing");
        _left -= n;
        return n;
    }
}

/// <summary>Decodes a chunked body; a connection that ends before the last chunk is an error, never a short result.</summary>
internal sealed class ChunkedStream(Stream inner) : ReadOnlyStream
{
    private long _chunkLeft;
    private bool _done;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_done || buffer.Length == 0) return 0;
        if (_chunkLeft == 0)
        {
            var line = await ReadLineAsync(ct);
            if (!long.TryParse(line.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _chunkLeft))
                throw new InvalidDataException($"bad chunk size '{line}'");
            if (_chunkLeft == 0)
            {
                while ((await ReadLineAsync(ct)).Length > 0) { } // trailers
                _done = true;
                return 0;
            }
        }
        var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _chunkLeft)], ct);
        if (n == 0) throw new IOException("connection closed inside a chunk: the result is incomplete");
        _chunkLeft -= n;
        if (_chunkLeft == 0 && (await ReadLineAsync(ct)).Length != 0) throw new InvalidDataException("chunk not followed by CRLF");
        return n;
    }

    private async Task<string> ReadLineAsync(CancellationToken ct)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await inner.ReadAsync(one, ct) == 0) throw new IOException("connection closed before the last chunk: the result is incomplete");
            if (one[0] == '\n') return line.ToString().TrimEnd('\r');
            line.Append((char)one[0]);
            if (line.Length > 4096) throw new InvalidDataException("chunk header line too long");
        }
    }
}

internal abstract class ReadOnlyStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default);

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
