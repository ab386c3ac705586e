using System.Security.Cryptography;
using OrleansAis.EtlHost.Transformers;

namespace OrleansAis.EtlHost.Tests;

/// <summary>Every built-in transformer behind the real server, over hpush (PUT).</summary>
[Trait("Category", "Fast")]
public sealed class BuiltinTransformerTests
{
    private static readonly byte[] Text = "Hello, wörld! ß and ünïcode 😀 — streamed"u8.ToArray();

    private static ITransformer Builtin(string name, params string[] args) =>
        BuiltinTransformers.Create(name, TransformerServerOptions.Parse(args));

    private static async Task<byte[]> PushAsync(ITransformer transformer, byte[] body, string? etlArgs = null, string path = "bkt/obj")
    {
        await using var host = await TransformerHost.StartAsync(transformer);
        return await host.PushAsync(path, body, etlArgs);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(200_000)]
    public async Task Echo_returns_the_object_byte_for_byte(int size)
    {
        var body = RandomNumberGenerator.GetBytes(size);
        Assert.Equal(body, await PushAsync(Builtin("echo"), body));
    }

    [Fact]
    public async Task Md5_and_sha256_are_lowercase_hex_digests_without_a_newline()
    {
        var body = RandomNumberGenerator.GetBytes(300_000);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(body)), Encoding.ASCII.GetString(await PushAsync(Builtin("md5"), body)));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), Encoding.ASCII.GetString(await PushAsync(Builtin("sha256"), body)));
        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e", Encoding.ASCII.GetString(await PushAsync(Builtin("md5"), [])));
    }

    [Fact]
    public async Task Gzip_output_decompresses_to_the_object_and_gunzip_reverses_it()
    {
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("compressible line\n", 10_000)));
        var zipped = await PushAsync(Builtin("gzip"), body);
        Assert.True(zipped.Length < body.Length / 10);
        Assert.Equal(body, Gzip.Decompress(zipped));
        Assert.Equal(body, await PushAsync(Builtin("gunzip"), zipped));
    }

    [Fact]
    public async Task Gunzip_of_something_else_is_an_error_naming_the_object()
    {
        await using var host = await TransformerHost.StartAsync(Builtin("gunzip"));
        using var response = await host.Http.PutAsync("bkt/plain.txt", new ByteArrayContent("not gzip at all"u8.ToArray()));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var message = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("transformer error: ", message);
        Assert.Contains("bkt/plain.txt is not gzip data", message);
    }

    [Fact]
    public async Task Upper_upper_cases_utf8_text()
    {
        Assert.Equal("HELLO, WÖRLD! ß AND ÜNÏCODE 😀 — STREAMED", Encoding.UTF8.GetString(await PushAsync(Builtin("upper"), Text)));
    }

    [Fact]
    public async Task Upper_keeps_characters_that_straddle_read_boundaries_intact()
    {
        // 3-byte characters across many 64 KiB reads: a split character must not turn into replacement characters.
        var text = string.Concat(Enumerable.Repeat("aé€", 100_000));
        var result = Encoding.UTF8.GetString(await PushAsync(Builtin("upper"), Encoding.UTF8.GetBytes(text)));
        Assert.Equal(text.ToUpperInvariant(), result);
    }

    [Fact]
    public async Task Hello_answers_hello_world_whatever_the_object()
    {
        Assert.Equal("Hello World!", Encoding.UTF8.GetString(await PushAsync(Builtin("hello"), RandomNumberGenerator.GetBytes(100_000))));
    }

    [Fact]
    public async Task Args_answers_the_requests_etl_args()
    {
        Assert.Equal("seed=42&mode=fast x", Encoding.UTF8.GetString(await PushAsync(Builtin("args"), Text, etlArgs: "seed=42&mode=fast x")));
        Assert.Equal("", Encoding.UTF8.GetString(await PushAsync(Builtin("args"), Text)));
    }

    [Fact]
    public async Task Whoami_answers_the_node_id_the_silo_set_or_the_host_name()
    {
        var expected = Environment.GetEnvironmentVariable("OAIS_NODE_ID") ?? Environment.MachineName;
        Assert.Equal(expected, Encoding.UTF8.GetString(await PushAsync(Builtin("whoami"), Text)));
    }

    [Fact]
    public async Task Fail_on_fails_objects_whose_name_contains_the_marker_and_echoes_the_rest()
    {
        await using var host = await TransformerHost.StartAsync(new FailOnTransformer("poison"));
        Assert.Equal(Text, await host.PushAsync("bkt/good.txt", Text));
        using var byMarker = await host.Http.PutAsync("bkt/a-poison-pill.txt", new ByteArrayContent(Text));
        Assert.Equal(HttpStatusCode.InternalServerError, byMarker.StatusCode);
        Assert.Contains("bkt/a-poison-pill.txt", await byMarker.Content.ReadAsStringAsync());
        // etl_args replace the marker per request.
        using var byArgs = await host.Http.PutAsync("bkt/good.txt?etl_args=good", new ByteArrayContent(Text));
        Assert.Equal(HttpStatusCode.InternalServerError, byArgs.StatusCode);
        Assert.Equal(Text, await host.PushAsync("bkt/a-poison-pill.txt", Text, etlArgs: "other"));
    }

    [Fact]
    public async Task Exec_runs_the_command_per_object_with_the_object_on_stdin()
    {
        Assert.Equal("HELLO EXEC", Encoding.UTF8.GetString(await PushAsync(Builtin("exec", "--", "tr", "a-z", "A-Z"), "hello exec"u8.ToArray())));
    }

    [Fact]
    public async Task Exec_passes_object_path_and_etl_args_in_the_environment()
    {
        var transformer = Builtin("exec", "--", "sh", "-c", "cat >/dev/null; printf '%s %s' \"$OBJECT_PATH\" \"$ETL_ARGS\"");
        Assert.Equal("bkt/dir/x.txt a b", Encoding.UTF8.GetString(await PushAsync(transformer, Text, etlArgs: "a b", path: "bkt/dir/x.txt")));
    }

    [Fact]
    public async Task Exec_streams_objects_larger_than_the_pipe_buffers_both_ways()
    {
        var body = RandomNumberGenerator.GetBytes(3 << 20);
        await using var host = await TransformerHost.StartAsync(Builtin("exec", "--", "cat"));
        await using var put = await ChunkedPut.StartAsync(host.BaseUri, "/bkt/big");
        for (var offset = 0; offset < body.Length; offset += 1 << 16) await put.SendChunkAsync(body.AsMemory(offset, 1 << 16));
        var (status, result) = await put.FinishAsync();
        Assert.Contains(" 200 ", status);
        Assert.Equal(body, result);
    }

    [Fact]
    public async Task Exec_failing_command_is_a_500_with_its_exit_code_and_stderr()
    {
        await using var host = await TransformerHost.StartAsync(Builtin("exec", "--", "sh", "-c", "cat >/dev/null; echo 'no space left' >&2; exit 3"));
        using var response = await host.Http.PutAsync("bkt/obj", new ByteArrayContent(Text));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var message = await response.Content.ReadAsStringAsync();
        Assert.Contains("exited with code 3", message);
        Assert.Contains("no space left", message);
    }

    [Fact]
    public async Task Exec_of_a_missing_program_is_a_500_naming_it()
    {
        await using var host = await TransformerHost.StartAsync(Builtin("exec", "--", "no-such-program-oais"));
        using var response = await host.Http.PutAsync("bkt/obj", new ByteArrayContent(Text));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("no-such-program-oais", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Unknown_names_and_exec_without_a_command_are_refused_with_a_reason()
    {
        Assert.Contains("unknown transformer 'nope'", Assert.Throws<ArgumentException>(() => Builtin("nope")).Message);
        Assert.Contains("after '--'", Assert.Throws<ArgumentException>(() => Builtin("exec")).Message);
    }
}
