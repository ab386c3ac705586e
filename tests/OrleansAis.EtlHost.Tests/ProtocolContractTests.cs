using System.Net.WebSockets;
using System.Security.Cryptography;

namespace OrleansAis.EtlHost.Tests;

/// <summary>
/// One wire contract, every host: the C# etl-host and the Python SDK (streaming and bytes API) as real processes, on
/// every communicator, echo byte-exact at 0 B, 1 B, 1 MiB and 64 MiB, and failures reported the same way.
/// Python cases skip where python3 is missing and fail instead under CI=true.
/// </summary>
public sealed class ProtocolContractTests : IAsyncLifetime
{
    private static readonly int[] Sizes = [0, 1, 1 << 20, 64 << 20];
    private static readonly Lazy<Dictionary<int, byte[]>> Bodies = new(() => Sizes.ToDictionary(s => s, RandomNumberGenerator.GetBytes));
    private const string TargetPath = "/v1/etl/_object/contract/s3cret";
    private FakeSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await FakeSilo.StartAsync();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    public static TheoryData<string> Hosts => ProtocolHosts.All;

    private Dictionary<string, string> TargetEnv => new() { ["AIS_TARGET_URL"] = _silo.Url(TargetPath) };

    [SkippableTheory]
    [MemberData(nameof(Hosts))]
    public async Task Hpush_echo_is_byte_exact(string host)
    {
        await using var server = await ProtocolHosts.StartAsync(host, "echo");
        foreach (var size in Sizes)
        {
            // A chunked PUT read while it is sent, as the silo's duplex client does (HttpClient sends the whole body
            // first, and a streaming echo of 64 MiB would fill both socket buffers)...
            await using var put = await ChunkedPut.StartAsync(server.BaseUri, "/bkt/obj");
            for (var offset = 0; offset < size; offset += 1 << 16)
                await put.SendChunkAsync(Bodies.Value[size].AsMemory(offset, Math.Min(1 << 16, size - offset)));
            var (status, result) = await put.FinishAsync();
            Assert.True(status.Contains(" 200 "), $"{size} B: {status}");
            AssertSame(size, result);
            if (size > 1 << 20) continue;
            // ...and with a Content-Length, as any HTTP client sends.
            using var response = await server.Http.PutAsync("bkt/obj", new ByteArrayContent(Bodies.Value[size]));
            Assert.True(response.IsSuccessStatusCode, $"{size} B: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            AssertSame(size, await response.Content.ReadAsByteArrayAsync());
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Hosts))]
    public async Task Hpull_and_hrev_echo_is_byte_exact(string host)
    {
        await using var server = await ProtocolHosts.StartAsync(host, "echo", TargetEnv);
        foreach (var size in Sizes)
        {
            _silo.Objects[$"{TargetPath}/bkt/dir/obj {size}"] = Bodies.Value[size];
            AssertSame(size, await server.Http.GetByteArrayAsync($"bkt/dir/obj%20{size}"));
        }
        // Each segment escaped on its own, appended to AIS_TARGET_URL's path.
        Assert.Contains($"{TargetPath}/bkt/dir/obj%201", _silo.RawGets);
    }

    [SkippableTheory]
    [MemberData(nameof(Hosts))]
    public async Task Hpull_passes_a_pipeline_input_token_on_to_its_fetch(string host)
    {
        await using var server = await ProtocolHosts.StartAsync(host, "echo", TargetEnv);
        _silo.Objects[$"{TargetPath}/bkt/staged obj"] = Bodies.Value[1 << 20];
        // A pipeline stage after the first: the silo serves the previous stage's output under the token.
        AssertSame(1 << 20, await server.Http.GetByteArrayAsync("bkt/staged%20obj?oais_input=f00d%2Bcafe"));
        Assert.Contains($"{TargetPath}/bkt/staged%20obj?oais_input=f00d%2Bcafe", _silo.RawGets);
        // Without one, the plain object path, as always.
        AssertSame(1 << 20, await server.Http.GetByteArrayAsync("bkt/staged%20obj"));
        Assert.Contains($"{TargetPath}/bkt/staged%20obj", _silo.RawGets);
    }

    [SkippableTheory]
    [MemberData(nameof(Hosts))]
    public async Task Ws_echo_is_byte_exact_on_one_connection(string host)
    {
        await using var server = await ProtocolHosts.StartAsync(host, "echo");
        await using var ws = await WsTransformClient.ConnectAsync(server.BaseUri);
        var id = 0;
        foreach (var size in Sizes)
        {
            // Sending and receiving at once, as the silo does.
            var sending = ws.SendAsync(++id, $"bkt/obj-{size}", Bodies.Value[size]);
            var result = await ws.ReceiveAsync();
            await sending;
            Assert.Equal((id, "ok", (string?)null, (long?)null), (result.Id, result.Status, result.Message, result.DirectPutLength));
            AssertSame(size, result.Body!);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Hosts))]
    public async Task Io_echo_is_byte_exact(string host)
    {
        foreach (var size in Sizes)
        {
            var (exit, stdout, stderr) = await ProtocolHosts.RunStdioAsync(host, "echo", Bodies.Value[size]);
            Assert.True(exit == 0, $"{size} B: exit {exit}: {stderr}");
            AssertSame(size, stdout);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Hosts))]
    public async Task Direct_put_delivers_the_echo_byte_exact_over_http_and_ws(string host)
    {
        await using var server = await ProtocolHosts.StartAsync(host, "echo");
        await using var ws = await WsTransformClient.ConnectAsync(server.BaseUri);
        foreach (var size in Sizes)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, "src/obj") { Content = new ByteArrayContent(Bodies.Value[size]) };
            request.Headers.Add("Ais-Node-Url", _silo.Url($"/dst/http-{size}"));
            using var response = await server.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Equal(size.ToString(), Assert.Single(response.Headers.GetValues("Ais-Direct-Put-Length")));
            AssertSame(size, _silo.Received[$"/dst/http-{size}"]);

            var sending = ws.SendAsync(size + 1, "src/obj", Bodies.Value[size], dstUrl: _silo.Url($"/dst/ws-{size}"));
            var result = await ws.ReceiveAsync(directPut: true);
            await sending;
            Assert.Equal(("ok", (long?)size), (result.Status, result.DirectPutLength));
            AssertSame(size, _silo.Received[$"/dst/ws-{size}"]);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Hosts))]
    public async Task Fqn_reads_the_object_from_its_file_on_http_and_ws(string host)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, Bodies.Value[1 << 20]);
            await using var server = await ProtocolHosts.StartAsync(host, "echo");
            AssertSame(1 << 20, await server.Http.GetByteArrayAsync($"bkt/f?etl_fqn={Uri.EscapeDataString(file)}"));
            using (var missing = await server.Http.GetAsync($"bkt/f?etl_fqn={Uri.EscapeDataString(file + ".missing")}"))
                Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            await using var ws = await WsTransformClient.ConnectAsync(server.BaseUri);
            await ws.SendAsync(1, "bkt/f", body: null, fqn: file);
            AssertSame(1 << 20, (await ws.ReceiveAsync()).Body!);
            await ws.SendAsync(2, "bkt/gone", body: null, fqn: file + ".missing");
            var gone = await ws.ReceiveAsync();
            Assert.Equal("error", gone.Status);
            Assert.Contains(".missing", gone.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private const string Refusal = "transformer error: refusing 'bkt/bad-object' (its name contains 'bad')";

    [SkippableTheory]
    [MemberData(nameof(Hosts))]
    public async Task A_failing_transform_is_reported_on_every_communicator(string host)
    {
        await using var server = await ProtocolHosts.StartAsync(host, "fail-on", new Dictionary<string, string>(TargetEnv) { ["FAIL_ON"] = "bad" });

        // hpush
        using (var pushed = await server.Http.PutAsync("bkt/bad-object", new ByteArrayContent([1])))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, pushed.StatusCode);
            Assert.Equal("text/plain; charset=utf-8", pushed.Content.Headers.ContentType?.ToString());
            Assert.Equal(Refusal, await pushed.Content.ReadAsStringAsync());
        }
        // hpull / hrev
        _silo.Objects[$"{TargetPath}/bkt/bad-object"] = [1];
        using (var pulled = await server.Http.GetAsync("bkt/bad-object"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, pulled.StatusCode);
            Assert.Equal(Refusal, await pulled.Content.ReadAsStringAsync());
        }
        // direct put: the failure is the answer and the destination keeps nothing
        var direct = new HttpRequestMessage(HttpMethod.Put, "bkt/bad-object") { Content = new ByteArrayContent([1]) };
        direct.Headers.Add("Ais-Node-Url", _silo.Url("/dst/never"));
        using (var failedPut = await server.Http.SendAsync(direct))
            Assert.Equal(HttpStatusCode.InternalServerError, failedPut.StatusCode);
        Assert.False(_silo.Received.ContainsKey("/dst/never"));
        // ws: an explicit error status, and the connection goes on (also after 2 MiB the transform never read)
        await using (var ws = await WsTransformClient.ConnectAsync(server.BaseUri))
        {
            var sending = ws.SendAsync(7, "bkt/bad-object", RandomNumberGenerator.GetBytes(2 << 20));
            var failed = await ws.ReceiveAsync();
            await sending;
            Assert.Equal((7, "error", Refusal), (failed.Id, failed.Status, failed.Message));
            await ws.SendAsync(8, "bkt/good-object", "fine"u8.ToArray());
            Assert.Equal((8, "ok", "fine"), await ws.ReceiveAsync() is var ok ? (ok.Id, ok.Status, ok.Text) : default);
        }
        // the server itself is fine
        Assert.Equal("Running", await server.Http.GetStringAsync("health"));

        // io: a non-zero exit with the message on stderr
        var (exit, _, stderr) = await ProtocolHosts.RunStdioAsync(host, "fail-on", [1],
            new Dictionary<string, string> { ["OBJECT_PATH"] = "bkt/bad-object", ["FAIL_ON"] = "bad" });
        Assert.NotEqual(0, exit);
        Assert.Contains(Refusal, stderr);
    }

    [SkippableTheory]
    [MemberData(nameof(Hosts))]
    public async Task Etl_args_reach_the_transformer_on_every_communicator(string host)
    {
        await using var server = await ProtocolHosts.StartAsync(host, "args", TargetEnv);
        using (var pushed = await server.Http.PutAsync("bkt/o?etl_args=k%3Dv%26x%3D1%202", new ByteArrayContent([1])))
            Assert.Equal("k=v&x=1 2", await pushed.Content.ReadAsStringAsync());
        _silo.Objects[$"{TargetPath}/bkt/o"] = [1];
        Assert.Equal("q=90", await server.Http.GetStringAsync("bkt/o?etl_args=q%3D90"));
        await using (var ws = await WsTransformClient.ConnectAsync(server.BaseUri))
        {
            await ws.SendAsync(1, "bkt/o", [1], etlArgs: "quality=90");
            Assert.Equal("quality=90", (await ws.ReceiveAsync()).Text);
            await ws.SendAsync(2, "bkt/o", [1]);
            Assert.Equal("", (await ws.ReceiveAsync()).Text);
        }
        var (exit, stdout, _) = await ProtocolHosts.RunStdioAsync(host, "args", [], new Dictionary<string, string> { ["ETL_ARGS"] = "poison" });
        Assert.Equal((0, "poison"), (exit, Encoding.UTF8.GetString(stdout)));
    }

    [SkippableTheory]
    [MemberData(nameof(Hosts))]
    public async Task Protocol_errors_are_clear(string host)
    {
        await using var server = await ProtocolHosts.StartAsync(host, "echo");
        Assert.Equal("Running", await server.Http.GetStringAsync("health"));
        using (var noObject = await server.Http.PutAsync("only-bucket", new ByteArrayContent([1])))
            Assert.Equal(HttpStatusCode.NotFound, noObject.StatusCode);
        using (var plainWs = await server.Http.GetAsync("ws"))
            Assert.Equal(HttpStatusCode.BadRequest, plainWs.StatusCode);
        using (var noTarget = await server.Http.GetAsync("bkt/obj"))
        {
            Assert.Equal(HttpStatusCode.BadGateway, noTarget.StatusCode);
            Assert.Contains("AIS_TARGET_URL", await noTarget.Content.ReadAsStringAsync());
        }
        await using var ws = await WsTransformClient.ConnectAsync(server.BaseUri);
        await ws.SendTextAsync("{\"path\":\"no id\"}"u8.ToArray());
        var (status, reason) = await ws.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.ProtocolError, status);
        Assert.Contains("bad control message", reason);
    }

    [SkippableTheory]
    [MemberData(nameof(Hosts))]
    public async Task Failed_fetches_and_refused_direct_puts_are_502s_with_the_silos_words(string host)
    {
        await using var server = await ProtocolHosts.StartAsync(host, "echo", TargetEnv);
        using (var missing = await server.Http.GetAsync("bkt/not-there"))
        {
            Assert.Equal(HttpStatusCode.BadGateway, missing.StatusCode);
            var message = await missing.Content.ReadAsStringAsync();
            Assert.Contains("404", message);
            Assert.Contains("no such object", message);
        }
        _silo.PutFailure = (507, "insufficient storage on target-2");
        var request = new HttpRequestMessage(HttpMethod.Put, "src/a") { Content = new ByteArrayContent([1, 2, 3]) };
        request.Headers.Add("Ais-Node-Url", _silo.Url("/dst/a"));
        using var refused = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        var said = await refused.Content.ReadAsStringAsync();
        Assert.Contains("507", said);
        Assert.Contains("insufficient storage on target-2", said);
    }

    [SkippableTheory]
    [MemberData(nameof(Hosts))]
    public async Task The_hpush_answer_starts_before_the_object_has_been_sent(string host)
    {
        Skip.If(host == ProtocolHosts.PythonBytes, "the bytes API takes the whole object first, by definition");
        await using var server = await ProtocolHosts.StartAsync(host, "echo");
        var body = Bodies.Value[64 << 20].AsMemory(0, 4 << 20);
        await using var put = await ChunkedPut.StartAsync(server.BaseUri, "/bkt/streamed");
        await put.SendChunkAsync(body[..(1 << 16)]);
        // Only 64 KiB of 4 MiB are out: an answer now means the host streams rather than buffering the object.
        await put.FirstBodyBytes.WaitAsync(TimeSpan.FromSeconds(10));
        for (var offset = 1 << 16; offset < body.Length; offset += 1 << 16) await put.SendChunkAsync(body.Slice(offset, 1 << 16));
        var (status, result) = await put.FinishAsync();
        Assert.Contains(" 200 ", status);
        Assert.Equal(body.ToArray(), result);
    }

    private static void AssertSame(int size, byte[] actual)
    {
        Assert.True(actual.Length == size, $"expected {size} B, got {actual.Length} B");
        Assert.True(Bodies.Value[size].AsSpan().SequenceEqual(actual), $"{size} B: the bytes differ");
    }
}
