using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using OrleansAis.Etl.Protocol;
using OrleansAis.Etl.Protocol.Transport;
using OrleansAis.Storage;

namespace OrleansAis.Etl.Communicators;

/// <summary>
/// HTTP/1.1 requests to one transformer that read the response while the request body is still being sent. HttpClient
/// sends the whole body before it reads anything, which deadlocks against a streaming transformer (its output backs
/// up, so it stops reading input) as soon as an object outgrows the socket buffers.
/// Connections are kept alive and reused (over the transformer's Unix socket when it has one, else TCP): a connection
/// goes back to the pool only when its request was sent whole and its response read to the end. A pooled connection
/// the transformer closed meanwhile (idle timeout, restart) fails before any answer arrives, and the request is then
/// sent once more on a new connection.
/// </summary>
internal sealed class DuplexHttpClient(Uri endpoint, string? socketPath) : IAsyncDisposable
{
    private const int MaxIdleConnections = 64;

    /// <summary>A body whose length is not known yet (a pipeline stage's input): sent chunked, and never resent.</summary>
    public const long UnknownLength = -1;
    private readonly ConcurrentQueue<DuplexConnection> _idle = new();
    private volatile bool _disposed;

    /// <summary>Connections opened so far (tests check that they are reused).</summary>
    public int Opened => _opened;
    private int _opened;

    /// <param name="openBody">
    /// Opens the request body; called again when the request is resent on a new connection. A body of
    /// <see cref="UnknownLength"/> can be read only once, so it goes out on a new connection, never resent.
    /// </param>
    public async Task<DuplexResponse> SendAsync(string method, string pathAndQuery, IEnumerable<KeyValuePair<string, string>> headers, Func<Stream> openBody,
        long length, CancellationToken ct)
    {
        var head = Head(method, pathAndQuery, headers, length);
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            DuplexConnection? connection = null;
            var reused = length != UnknownLength && _idle.TryDequeue(out connection);
            connection ??= await ConnectAsync(method, ct);
            var body = openBody();
            Task sending = Task.CompletedTask;
            try
            {
                connection.StartRequest();
                await connection.SendAsync(head, ct);
                sending = length == UnknownLength ? SendChunkedAsync(body, connection, ct) : SendBodyAsync(body, connection, ct);
                var (status, responseHeaders) = await connection.ReadHeadAsync(ct);
                return new DuplexResponse(this, connection, status, responseHeaders, body, sending);
            }
            catch (Exception e)
            {
                // Whatever went wrong (cancellation too), the connection is in an unknown state: close it, so the
                // transformer is never left writing an answer nobody reads.
                await connection.DisposeAsync();
                await body.DisposeAsync();
                await Quietly(sending);
                if (e is not (IOException or SocketException or InvalidDataException or ObjectDisposedException)) throw;
                if (reused && !connection.ReceivedAny && !ct.IsCancellationRequested) continue;
                throw new HttpRequestException($"{method} to {endpoint.Authority} failed: {e.Message}", e);
            }
        }
    }

    private async Task<DuplexConnection> ConnectAsync(string method, CancellationToken ct)
    {
        Socket socket;
        try
        {
            socket = socketPath is null
                ? await LocalSockets.ConnectTcpAsync(endpoint.Host, endpoint.Port, ct)
                : await LocalSockets.ConnectAsync(socketPath, ct);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            // Refused: the transformer is gone (a crash not noticed yet). The same error as a reset, so callers map it once.
            throw new HttpRequestException($"{method} to {endpoint.Authority} failed: {e.Message}", e);
        }
        Interlocked.Increment(ref _opened);
        return new DuplexConnection(socket);
    }

    private byte[] Head(string method, string pathAndQuery, IEnumerable<KeyValuePair<string, string>> headers, long length)
    {
        var head = new StringBuilder(256)
            .Append(method).Append(' ').Append(pathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(endpoint.Authority).Append("\r\n")
            .Append(length == UnknownLength ? "Transfer-Encoding: chunked" : "Content-Length: " + length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        foreach (var (name, value) in headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        return Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
    }

    private static async Task SendBodyAsync(Stream body, DuplexConnection connection, CancellationToken ct)
    {
        await Task.Yield();
        if (body is ISocketFileSource file)
        {
            await connection.SendFileAsync(file, ct); // an object's file: sendfile, no copy through this process
            return;
        }
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(DuplexConnection.BufferBytes);
        try
        {
            // Object files are read synchronously: from the page cache that is a memory copy, cheaper than a thread hop.
            int n;
            while ((n = body.Read(buffer, 0, DuplexConnection.BufferBytes)) > 0) await connection.SendAsync(buffer.AsMemory(0, n), ct);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A stream of unknown length (a pipe: read asynchronously) as an HTTP/1.1 chunked body.</summary>
    private static async Task SendChunkedAsync(Stream body, DuplexConnection connection, CancellationToken ct)
    {
        await Task.Yield();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(DuplexConnection.BufferBytes);
        try
        {
            int n;
            while ((n = await body.ReadAsync(buffer.AsMemory(0, DuplexConnection.BufferBytes), ct)) > 0)
            {
                await connection.SendAsync(Encoding.ASCII.GetBytes(n.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), ct);
                await connection.SendAsync(buffer.AsMemory(0, n), ct);
                await connection.SendAsync("\r\n"u8.ToArray(), ct);
            }
            await connection.SendAsync("0\r\n\r\n"u8.ToArray(), ct);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Takes back a connection in a known state: kept for the next request, or closed when the pool is full or gone.</summary>
    internal async ValueTask ReturnAsync(DuplexConnection connection)
    {
        if (!_disposed && _idle.Count < MaxIdleConnections)
        {
            _idle.Enqueue(connection);
            return;
        }
        await connection.DisposeAsync();
    }

    internal static async Task Quietly(Task task)
    {
        try { await task; }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryDequeue(out var connection)) await connection.DisposeAsync();
    }
}

/// <summary>The answer of a <see cref="DuplexHttpClient"/> request; disposing returns the connection to the pool if it can be reused.</summary>
internal sealed class DuplexResponse : IAsyncDisposable
{
    private readonly DuplexHttpClient _client;
    private readonly DuplexConnection _connection;
    private readonly Stream _requestBody;
    private readonly ResponseBody _body;
    private readonly bool _keepAlive;

    public DuplexResponse(DuplexHttpClient client, DuplexConnection connection, int status, Dictionary<string, string> headers, Stream requestBody, Task sending)
    {
        _client = client;
        _connection = connection;
        _requestBody = requestBody;
        Status = status;
        Headers = headers;
        Sending = sending;
        _keepAlive = !(headers.TryGetValue("Connection", out var c) && c.Contains("close", StringComparison.OrdinalIgnoreCase));
        // RFC 9112 6.3: a 204 or 304 answer has no body, whatever its headers say (a direct-put acknowledgement is a 204).
        _body = status is 204 or 304 ? new ContentLengthBody(connection, 0)
            : headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase)
            ? new ChunkedBody(connection)
            : headers.TryGetValue("Content-Length", out var cl) && long.TryParse(cl, out var length)
                ? new ContentLengthBody(connection, length)
                : new UntilCloseBody(connection);
    }

    public int Status { get; }
    public IReadOnlyDictionary<string, string> Headers { get; }
    public Stream Body => _body;
    /// <summary>Completes when the whole request body was sent (faults if the server stopped reading it).</summary>
    public Task Sending { get; }

    public async ValueTask DisposeAsync()
    {
        // Reusable only in a known state: the request sent whole, the answer read to its end, nothing left over.
        var reusable = _keepAlive && _body.Complete && Sending.IsCompletedSuccessfully && _connection.Buffered == 0;
        if (!reusable) await _connection.DisposeAsync(); // also stops a send still in progress
        await DuplexHttpClient.Quietly(Sending);
        await _requestBody.DisposeAsync();
        if (reusable) await _client.ReturnAsync(_connection);
    }
}

/// <summary>One connection: a socket and the bytes read ahead of what was consumed.</summary>
internal sealed class DuplexConnection(Socket socket) : IAsyncDisposable
{
    public const int BufferBytes = 64 << 10;
    /// <summary>Reads of a body go straight into the caller's buffer; this size matches the transformer's blocks.</summary>
    public const int CopyBytes = 256 << 10;
    private const int MaxHeadBytes = 64 << 10;
    private readonly byte[] _buffer = new byte[BufferBytes];
    private byte[]? _copyBuffer;
    private int _start, _end;
    private int _disposed;

    /// <summary>Where response bodies are copied through: one per connection, made on first use, kept while it is pooled.</summary>
    public Memory<byte> CopyBuffer => _copyBuffer ??= GC.AllocateUninitializedArray<byte>(CopyBytes);

    /// <summary>False until the first byte of an answer arrived on this connection.</summary>
    public bool ReceivedAny { get; private set; }

    public int Buffered => _end - _start;

    public Task SendFileAsync(ISocketFileSource file, CancellationToken ct) => file.SendToAsync(socket, ct);

    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (data.Length > 0) data = data[await socket.SendAsync(data, SocketFlags.None, ct)..];
    }

    public void StartRequest() => ReceivedAny = false;

    public async Task<(int Status, Dictionary<string, string> Headers)> ReadHeadAsync(CancellationToken ct)
    {
        while (true)
        {
            var terminator = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
            if (terminator >= 0)
            {
                var lines = Encoding.ASCII.GetString(_buffer, _start, terminator).Split("\r\n");
                _start += terminator + 4;
                var statusParts = lines[0].Split(' ', 3);
                if (statusParts.Length < 2 || !statusParts[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(statusParts[1], out var status))
                    throw new InvalidDataException($"bad status line '{lines[0]}'");
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var line in lines.AsSpan(1))
                {
                    var colon = line.IndexOf(':');
                    if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
                if (status == 100) continue; // an interim answer: the real one follows
                return (status, headers);
            }
            Compact();
            if (_end == MaxHeadBytes) throw new InvalidDataException("response head over 64 KiB");
            var n = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct);
            if (n == 0) throw new IOException("connection closed before the response head");
            ReceivedAny = true;
            _end += n;
        }
    }

    /// <summary>Reads up to <paramref name="destination"/>'s length: buffered bytes first, then straight from the socket.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct)
    {
        if (_end > _start)
        {
            var n = Math.Min(destination.Length, _end - _start);
            _buffer.AsMemory(_start, n).CopyTo(destination);
            _start += n;
            return n;
        }
        return await socket.ReceiveAsync(destination, SocketFlags.None, ct);
    }

    /// <summary>One CRLF-terminated line (chunk sizes, trailers), without the CRLF.</summary>
    public async ValueTask<string> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, newline).TrimEnd('\r');
                _start += newline + 1;
                return line;
            }
            if (_end - _start > 4096) throw new InvalidDataException("chunk header line too long");
            Compact();
            var n = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct);
            if (n == 0) throw new IOException("connection closed before the last chunk: the result is incomplete");
            _end += n;
        }
    }

    private void Compact()
    {
        if (_start == 0) return;
        Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
        _end -= _start;
        _start = 0;
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) socket.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A response body; <see cref="Complete"/> once it was read to its end.</summary>
internal abstract class ResponseBody(DuplexConnection connection) : ReadOnlyStream
{
    protected DuplexConnection Connection { get; } = connection;

    public bool Complete { get; protected set; }

    /// <summary>
    /// Copies through the connection's own copy buffer: a per-call buffer of that size (what Stream.CopyToAsync rents)
    /// often misses the shared pool when the call ends on another thread, and then costs a large-object allocation
    /// per object.
    /// </summary>
    public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken ct)
    {
        var buffer = Connection.CopyBuffer;
        int n;
        while ((n = await ReadAsync(buffer, ct)) > 0) await destination.WriteAsync(buffer[..n], ct);
    }
}

/// <summary>Exactly <c>length</c> bytes.</summary>
internal sealed class ContentLengthBody(DuplexConnection connection, long length) : ResponseBody(connection)
{
    private long _left = length;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_left == 0 || buffer.Length == 0)
        {
            Complete = _left == 0;
            return 0;
        }
        var n = await Connection.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _left)], ct);
        if (n == 0) throw new IOException($"connection closed with {_left} body bytes missing");
        _left -= n;
        Complete = _left == 0;
        return n;
    }
}

/// <summary>Everything until the peer closes (an HTTP/1.0-style answer); the connection cannot be reused.</summary>
internal sealed class UntilCloseBody(DuplexConnection connection) : ResponseBody(connection)
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => Connection.ReadAsync(buffer, ct);
}

/// <summary>Decodes a chunked body; a connection that ends before the last chunk is an error, never a short result.</summary>
internal sealed class ChunkedBody(DuplexConnection connection) : ResponseBody(connection)
{
    private long _chunkLeft;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (Complete || buffer.Length == 0) return 0;
        if (_chunkLeft == 0)
        {
            var line = await Connection.ReadLineAsync(ct);
            var size = line.AsSpan();
            if (size.IndexOf(';') is var semicolon and >= 0) size = size[..semicolon];
            if (!long.TryParse(size.Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _chunkLeft) || _chunkLeft < 0)
                throw new InvalidDataException($"bad chunk size '{line}'");
            if (_chunkLeft == 0)
            {
                while ((await Connection.ReadLineAsync(ct)).Length > 0) { } // trailers
                Complete = true;
                return 0;
            }
        }
        var n = await Connection.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _chunkLeft)], ct);
        if (n == 0) throw new IOException("connection closed inside a chunk: the result is incomplete");
        _chunkLeft -= n;
        if (_chunkLeft == 0 && (await Connection.ReadLineAsync(ct)).Length != 0) throw new InvalidDataException("chunk not followed by CRLF");
        return n;
    }
}
