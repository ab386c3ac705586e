using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansAis.Etl.Communicators;

namespace OrleansAis.Tests.Etl;

/// <summary>
/// The hpush client: full-duplex PUTs on kept-alive connections, over TCP and over a Unix socket, against Kestrel
/// (what the C# transformer host runs) and against a bare server that closes every connection after one answer.
/// </summary>
[Trait("Category", "Fast")]
public sealed class DuplexHttpClientTests : IAsyncLifetime
{
    private readonly string _socketDirectory = Directory.CreateTempSubdirectory("oais-duplex-").FullName;
    private WebApplication? _echo;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_echo is not null) await _echo.DisposeAsync();
        Directory.Delete(_socketDirectory, recursive: true);
    }

    private string SocketPath => Path.Combine(_socketDirectory, "echo.sock");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sequential_puts_share_one_connection_and_come_back_byte_exact(bool unixSocket)
    {
        var endpoint = await StartEchoAsync();
        await using var client = new DuplexHttpClient(endpoint, unixSocket ? SocketPath : null);
        foreach (var size in new[] { 0, 1, 4096, 1 << 20, 3 * (1 << 20) + 7 })
            Assert.Equal(Sha(Data(size)), await EchoAsync(client, Data(size)));
        Assert.Equal(1, client.Opened);
    }

    [Fact]
    public async Task Concurrent_puts_each_get_their_own_answer()
    {
        var endpoint = await StartEchoAsync();
        await using var client = new DuplexHttpClient(endpoint, SocketPath);
        var sizes = Enumerable.Range(0, 32).Select(i => i * 37_001).ToList();
        var results = await Task.WhenAll(sizes.Select(size => EchoAsync(client, Data(size))));
        Assert.Equal(sizes.Select(size => Sha(Data(size))), results);
        Assert.InRange(client.Opened, 1, 32);
    }

    [Fact]
    public async Task A_body_of_unknown_length_goes_out_chunked_on_a_new_connection_and_comes_back_byte_exact()
    {
        var endpoint = await StartEchoAsync();
        await using var client = new DuplexHttpClient(endpoint, SocketPath);
        Assert.Equal(Sha(Data(10)), await EchoAsync(client, Data(10)));
        foreach (var size in new[] { 0, 1, 1 << 20, 3 * (1 << 20) + 7 })
        {
            var data = Data(size);
            // A pipe's reader, as a pipeline stage's input: no length, readable once.
            await using var response = await client.SendAsync("PUT", "/bucket/object", [], () => new OneShotStream(data), DuplexHttpClient.UnknownLength,
                CancellationToken.None);
            Assert.Equal(200, response.Status);
            var received = new MemoryStream();
            await response.Body.CopyToAsync(received);
            Assert.Equal(Sha(data), Sha(received.ToArray()));
        }
        Assert.Equal(5, client.Opened); // never on a pooled connection, which a resend could need
    }

    /// <summary>A stream that can be read through once and refuses synchronous reads (as a pipe's must not block a thread).</summary>
    private sealed class OneShotStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => _inner.ReadAsync(buffer, ct);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous read of a pipe");
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task A_no_content_answer_ends_at_its_head_and_keeps_the_connection()
    {
        var endpoint = await StartEchoAsync();
        await using var client = new DuplexHttpClient(endpoint, SocketPath);
        for (var i = 0; i < 3; i++)
        {
            // Like a direct-put acknowledgement: 204, a length header, no body.
            await using var response = await client.SendAsync("PUT", "/acknowledge", [], () => new MemoryStream(Data(5000)), 5000, CancellationToken.None);
            Assert.Equal(204, response.Status);
            Assert.Equal("5000", response.Headers["X-Received"]);
            Assert.Equal(0, await response.Body.ReadAsync(new byte[10]));
        }
        Assert.Equal(1, client.Opened);
    }

    [Fact]
    public async Task A_server_that_closes_each_connection_after_one_answer_costs_a_reconnect_not_an_error()
    {
        using var server = new OneAnswerPerConnectionServer();
        await using var client = new DuplexHttpClient(server.Endpoint, socketPath: null);
        for (var i = 0; i < 5; i++)
            Assert.Equal(Sha(Data(1000 + i)), await EchoAsync(client, Data(1000 + i)));
        // The first connection is new; each later object finds its pooled connection closed and opens another.
        Assert.Equal(5, client.Opened);
        Assert.Equal(5, server.Answered);
    }

    [Fact]
    public async Task Pooled_connections_of_a_restarted_transformer_are_replaced()
    {
        var endpoint = await StartEchoAsync();
        await using var client = new DuplexHttpClient(endpoint, SocketPath);
        Assert.Equal(Sha(Data(10_000)), await EchoAsync(client, Data(10_000)));
        await _echo!.DisposeAsync(); // the transformer goes away with a connection in the client's pool...
        _echo = null;
        await StartEchoAsync(endpoint.Port); // ...and comes back on the same socket and port
        Assert.Equal(Sha(Data(20_000)), await EchoAsync(client, Data(20_000)));
        Assert.Equal(2, client.Opened);
    }

    [Fact]
    public async Task An_answer_cut_short_is_an_error_and_its_connection_is_not_reused()
    {
        var endpoint = await StartEchoAsync(cutAfter: 100_000);
        await using var client = new DuplexHttpClient(endpoint, SocketPath);
        var cut = await Assert.ThrowsAnyAsync<Exception>(() => EchoAsync(client, Data(500_000)));
        Assert.True(cut is IOException or SocketException, cut.ToString());
        Assert.Equal(Sha(Data(50_000)), await EchoAsync(client, Data(50_000)));
        Assert.Equal(2, client.Opened);
    }

    private async Task<Uri> StartEchoAsync(int port = 0, int cutAfter = int.MaxValue)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}", $"http://unix:{SocketPath}");
        if (File.Exists(SocketPath)) File.Delete(SocketPath);
        _echo = builder.Build();
        _echo.MapPut("/acknowledge", async (HttpContext context) =>
        {
            var received = 0L;
            var buffer = new byte[1 << 16];
            int n;
            while ((n = await context.Request.Body.ReadAsync(buffer)) > 0) received += n;
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            context.Response.Headers["X-Received"] = received.ToString();
        });
        _echo.MapPut("/{**path}", async (HttpContext context) =>
        {
            // Streams the body back as it arrives (chunked), like a streaming transformer.
            var buffer = new byte[1 << 16];
            long sent = 0;
            int n;
            while ((n = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                if (sent + n > cutAfter)
                {
                    context.Abort();
                    return;
                }
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, n));
                sent += n;
            }
        });
        await _echo.StartAsync();
        return new Uri(_echo.Urls.First(u => u.StartsWith("http://127.0.0.1", StringComparison.Ordinal)));
    }

    private static async Task<string> EchoAsync(DuplexHttpClient client, byte[] data)
    {
        await using var response = await client.SendAsync("PUT", "/bucket/object", [], () => new MemoryStream(data), data.Length, CancellationToken.None);
        Assert.Equal(200, response.Status);
        var received = new MemoryStream();
        await response.Body.CopyToAsync(received);
        return Sha(received.ToArray());
    }

    private static byte[] Data(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        return data;
    }

    private static string Sha(byte[] data) => Convert.ToHexString(SHA256.HashData(data));

    /// <summary>Answers one PUT per connection (Content-Length echo, no "Connection: close"), then closes it.</summary>
    private sealed class OneAnswerPerConnectionServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _answered;

        public OneAnswerPerConnectionServer()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        public int Answered => Volatile.Read(ref _answered);

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
                catch (OperationCanceledException) { return; }
                using (socket)
                {
                    await using var stream = new NetworkStream(socket);
                    var head = await ReadHeadAsync(stream);
                    var length = int.Parse(head.Split("\r\n").First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))[15..].Trim());
                    var body = new byte[length];
                    await stream.ReadExactlyAsync(body);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {length}\r\n\r\n"));
                    await stream.WriteAsync(body);
                    Interlocked.Increment(ref _answered);
                }
            }
        }

        private static async Task<string> ReadHeadAsync(NetworkStream stream)
        {
            var head = new List<byte>();
            var one = new byte[1];
            while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
            {
                await stream.ReadExactlyAsync(one);
                head.Add(one[0]);
            }
            return Encoding.ASCII.GetString(head.ToArray());
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
