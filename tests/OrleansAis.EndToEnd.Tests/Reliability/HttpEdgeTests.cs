using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using OrleansAis.EndToEnd.Tests.S3;

namespace OrleansAis.EndToEnd.Tests.Reliability;

/// <summary>One S3-enabled silo with a short request-header timeout, so the slow-header case ends quickly.</summary>
public sealed class HttpEdgeCluster : S3Cluster
{
    public static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(2);

    protected override IEnumerable<string> S3Args => [$"--Http:RequestHeadersTimeout={HeadersTimeout:c}"];
}

/// <summary>
/// HTTP/1.1 edge cases on one keep-alive connection, written by hand (<see cref="KeepAliveConnection"/>), and botocore's
/// empty PutObject: <c>Expect: 100-continue</c> without a body, <c>Content-Length</c> with <c>Transfer-Encoding</c>, and
/// a client that never finishes its headers.
/// </summary>
public sealed class HttpEdgeTests(HttpEdgeCluster cluster) : IClassFixture<HttpEdgeCluster>
{
    [Fact]
    public async Task Expect_100_continue_without_a_body_gets_100_Continue_and_the_connection_stays_usable()
    {
        await using var connection = await KeepAliveConnection.OpenAsync(cluster.Endpoint);
        await connection.SendAsync("PUT /v1/buckets/expect-empty HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        Assert.InRange((await connection.ReadResponseAsync()).Status, 200, 299);

        for (var i = 0; i < 3; i++)
        {
            await connection.SendAsync($"PUT /v1/objects/expect-empty/empty-{i} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n");
            var interim = await connection.ReadResponseAsync();
            Assert.Equal(100, interim.Status);
            var final = await connection.ReadResponseAsync();
            Assert.Equal(200, final.Status);
            // The next request on the same connection is answered at once, with its own answer.
            await connection.SendAsync($"GET /v1/objects/expect-empty/empty-{i} HTTP/1.1\r\nHost: x\r\n\r\n");
            var get = await connection.ReadResponseAsync();
            Assert.Equal(200, get.Status);
            Assert.Equal("0", get.Headers["Content-Length"]);
        }

        // A request with a body still gets exactly one 100 Continue (Kestrel's own, when the body is read).
        await connection.SendAsync("PUT /v1/objects/expect-empty/full HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        Assert.Equal(100, (await connection.ReadResponseAsync()).Status);
        await connection.SendAsync("hello");
        Assert.Equal(200, (await connection.ReadResponseAsync()).Status);
        await connection.SendAsync("GET /v1/objects/expect-empty/full HTTP/1.1\r\nHost: x\r\n\r\n");
        var full = await connection.ReadResponseAsync();
        Assert.Equal((200, "hello"), (full.Status, full.Body));
    }

    [S3ToolFact(S3Tools.Boto3)]
    public async Task Boto3_empty_put_objects_do_not_stall_the_next_request_on_their_connection()
    {
        S3Tools.EnsureAvailable(S3Tools.Boto3);
        var bucket = S3Collection.NewBucket("boto3-empty");
        // botocore#3755: an empty PUT answered without 100 Continue left the pooled connection parsing the next
        // response against a stale status line, so the following PUT waited for its read timeout (10 s here).
        const string script = """
            import time
            from botocore.config import Config
            import boto3
            s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1",
                config=Config(s3={"addressing_style": "path"}, signature_version="s3v4", retries={"max_attempts": 1},
                              read_timeout=10, max_pool_connections=1))
            bucket = args[0]
            s3.create_bucket(Bucket=bucket)
            slowest = 0.0
            # PUTs back to back (any other request in between resets botocore's state): empty, then not.
            bodies = [b"" if i % 2 == 0 else b"x" * 100 for i in range(30)]
            for i, body in enumerate(bodies):
                started = time.monotonic()
                s3.put_object(Bucket=bucket, Key=f"k{i}", Body=body)
                slowest = max(slowest, time.monotonic() - started)
            print(f"slowest {slowest:.2f}")
            assert slowest < 3, f"a PUT took {slowest:.2f} s"
            for i, body in enumerate(bodies):
                assert s3.get_object(Bucket=bucket, Key=f"k{i}")["Body"].read() == body, i
            print("ok")
            """;
        var (code, output) = await S3Tools.RunBoto3Async(cluster.Endpoint, script, bucket);
        Assert.True(code == 0 && output.Contains("ok"), output);
    }

    [Fact]
    public async Task Content_Length_with_Transfer_Encoding_is_refused_with_400_and_stores_nothing()
    {
        await using var connection = await KeepAliveConnection.OpenAsync(cluster.Endpoint);
        await connection.SendAsync("PUT /v1/buckets/te-cl HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        Assert.InRange((await connection.ReadResponseAsync()).Status, 200, 299);

        // The smuggling shape: the chunked body says 5 bytes, Content-Length says 3.
        await connection.SendAsync("PUT /v1/objects/te-cl/smuggled HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        var answer = await connection.ReadResponseAsync();
        Assert.True(answer.Status == 400, $"{answer.Status} {answer.Body}");
        Assert.Contains("Transfer-Encoding", answer.Body, StringComparison.OrdinalIgnoreCase);
        using var head = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(cluster.Endpoint, "/v1/objects/te-cl/smuggled")));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, head.StatusCode);
    }

    [Fact]
    public async Task A_client_that_never_finishes_its_headers_gets_408_within_the_configured_timeout()
    {
        await using var connection = await KeepAliveConnection.OpenAsync(cluster.Endpoint);
        var clock = Stopwatch.StartNew();
        await connection.SendAsync("GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ");
        var answer = await connection.ReadResponseAsync(TimeSpan.FromSeconds(30));
        var elapsed = clock.Elapsed;
        Assert.Equal(408, answer.Status);
        // Kestrel checks its timeouts on a 1 s heartbeat.
        Assert.InRange(elapsed, HttpEdgeCluster.HeadersTimeout - TimeSpan.FromMilliseconds(100), HttpEdgeCluster.HeadersTimeout + TimeSpan.FromSeconds(3));
        Assert.True(await connection.IsClosedAsync(), "the connection stayed open after the 408");
    }
}

/// <summary>A hand-written HTTP/1.1 connection that stays open across requests and reads responses one at a time, interim ones included.</summary>
public sealed class KeepAliveConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _buffered = [];

    private KeepAliveConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public sealed record Response(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

    public static async Task<KeepAliveConnection> OpenAsync(Uri endpoint)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(endpoint.Host, endpoint.Port);
        return new KeepAliveConnection(client);
    }

    public async Task SendAsync(string text) => await _stream.WriteAsync(Encoding.Latin1.GetBytes(text));

    /// <summary>The next response: status line and headers, and its Content-Length or chunked body (interim 1xx responses have none).</summary>
    public async Task<Response> ReadResponseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var head = Encoding.Latin1.GetString(await ReadUntilAsync("\r\n\r\n"u8.ToArray(), cts.Token));
        var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        if (status >= 200 && headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked"))
        {
            var chunks = new List<byte>();
            while (true)
            {
                var size = Convert.ToInt32(Encoding.Latin1.GetString(await ReadUntilAsync("\r\n"u8.ToArray(), cts.Token)).Trim().Split(';')[0], 16);
                chunks.AddRange(await ReadExactlyAsync(size, cts.Token));
                await ReadExactlyAsync(2, cts.Token);
                if (size == 0) break;
            }
            return new Response(status, headers, Encoding.UTF8.GetString(chunks.ToArray()));
        }
        var length = status >= 200 && headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl) : 0;
        var body = await ReadExactlyAsync(length, cts.Token);
        return new Response(status, headers, Encoding.UTF8.GetString(body));
    }

    /// <summary>True when the server has closed the connection (a read returns end of stream, or a reset).</summary>
    public async Task<bool> IsClosedAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var buffer = new byte[256];
            while (true)
            {
                if (await _stream.ReadAsync(buffer, cts.Token) == 0) return true;
            }
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<byte[]> ReadUntilAsync(byte[] terminator, CancellationToken ct)
    {
        while (true)
        {
            var at = IndexOf(terminator);
            if (at >= 0)
            {
                var result = _buffered.GetRange(0, at + terminator.Length).ToArray();
                _buffered.RemoveRange(0, at + terminator.Length);
                return result;
            }
            await FillAsync(ct);
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken ct)
    {
        while (_buffered.Count < count) await FillAsync(ct);
        var result = _buffered.GetRange(0, count).ToArray();
        _buffered.RemoveRange(0, count);
        return result;
    }

    private async Task FillAsync(CancellationToken ct)
    {
        var buffer = new byte[8192];
        var read = await _stream.ReadAsync(buffer, ct);
        if (read == 0) throw new IOException($"connection closed; unread: '{Encoding.Latin1.GetString(_buffered.ToArray())}'");
        _buffered.AddRange(buffer.AsSpan(0, read).ToArray());
    }

    private int IndexOf(byte[] needle) => _buffered.ToArray().AsSpan().IndexOf(needle);

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
