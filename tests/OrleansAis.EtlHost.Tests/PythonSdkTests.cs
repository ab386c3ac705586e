namespace OrleansAis.EtlHost.Tests;

/// <summary>
/// What the Python SDK does beyond the shared contract tests, with the Python counterparts of the C# test transformers
/// (python/test_transformers.py): names and args exactly as sent, aborting a cut-short answer, bounded concurrency,
/// Python exceptions named with their place, and its command line.
/// </summary>
public sealed class PythonSdkTests
{
    private static string Script => Path.Combine(ProtocolHosts.PythonPath, "test_transformers.py");

    private static Task<EtlHostServer> ServeAsync(string name, params string[] args)
    {
        PythonRequirement.SkipUnlessAvailable();
        var port = EtlHostProcess.FreePort();
        return EtlHostServer.StartAsync(ProtocolHosts.PythonStartInfo([Script, name, "--port", port.ToString(), .. args]), port);
    }

    [SkippableTheory]
    [InlineData("request-echo")]
    [InlineData("request-echo-stream")]
    public async Task Bucket_object_and_etl_args_arrive_unescaped_on_http_and_ws(string transformer)
    {
        await using var server = await ServeAsync(transformer);
        using (var pushed = await server.Http.PutAsync("my-bkt/dir/a%20b%2Fc%23d%3F.txt?etl_args=k%3Dv%26x%3D1%202", new ByteArrayContent([1, 2, 3])))
            Assert.Equal("my-bkt|dir/a b/c#d?.txt|k=v&x=1 2|", await pushed.Content.ReadAsStringAsync());
        await using var ws = await WsTransformClient.ConnectAsync(server.BaseUri);
        await ws.SendAsync(1, "bkt/dir/a b.txt", [1], etlArgs: "quality=90");
        Assert.Equal("bkt|dir/a b.txt|quality=90|", (await ws.ReceiveAsync()).Text);
    }

    [SkippableFact]
    public async Task A_failure_after_the_answer_started_aborts_http_and_is_an_error_status_on_ws()
    {
        await using var server = await ServeAsync("fail-midway");
        await Assert.ThrowsAnyAsync<HttpRequestException>(async () =>
        {
            using var response = await server.Http.PutAsync("bkt/obj", new ByteArrayContent([1]));
            await response.Content.ReadAsByteArrayAsync();
        });
        Assert.Equal("Running", await server.Http.GetStringAsync("health"));
        await using var ws = await WsTransformClient.ConnectAsync(server.BaseUri);
        await ws.SendAsync(1, "bkt/obj", [1]);
        var result = await ws.ReceiveAsync();
        Assert.Equal("error", result.Status);
        Assert.Contains("bkt/obj: RuntimeError: broke halfway", result.Message);
        Assert.Contains("test_transformers.py:", result.Message); // where it was raised
        Assert.Contains("failed after the response started: bkt/obj: RuntimeError: broke halfway", server.Output);
    }

    [SkippableFact]
    public async Task A_python_exception_is_a_500_naming_the_object_its_type_and_line()
    {
        await using var server = await ServeAsync("name-error");
        using var response = await server.Http.PutAsync("bkt/obj", new ByteArrayContent([1]));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var message = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("transformer error: bkt/obj: NameError: name 'undefined_name' is not defined (at test_transformers.py:", message);
        Assert.Contains("in crash_on_import_of_nothing)", message);
    }

    [SkippableFact]
    public async Task At_most_max_concurrency_transforms_run_at_once()
    {
        await using var server = await ServeAsync("slow", "--max-concurrency", "2");
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            using var response = await server.Http.PutAsync($"bkt/o{i}", new ByteArrayContent([1]));
            return int.Parse(await response.Content.ReadAsStringAsync());
        }));
        // Six requests in parallel, two slots: the most that ever ran at once is exactly two.
        Assert.Equal(2, answers.Max());
    }

    [SkippableFact]
    public async Task The_command_line_is_checked_and_a_source_file_is_served()
    {
        PythonRequirement.SkipUnlessAvailable();
        var (exit, _, stderr) = await EtlHostProcess.RunAsync(ProtocolHosts.PythonStartInfo(["-m", "oais_etl", "echo", "--port", "x"]), []);
        Assert.Equal((2, true), (exit, stderr.Contains("--port needs a number of at least 0")));
        (exit, _, stderr) = await EtlHostProcess.RunAsync(ProtocolHosts.PythonStartInfo(["-m", "oais_etl", "nope"]), []);
        Assert.Equal((2, true, true), (exit, stderr.Contains("unknown transformer 'nope'"), stderr.Contains("usage: python3 -m oais_etl")));

        var source = Path.Combine(Path.GetTempPath(), $"oais-sdk-{Guid.NewGuid():N}.py");
        try
        {
            await File.WriteAllTextAsync(source, "def reverse(data, path, args):\n    return data[::-1]\n");
            byte[] stdout;
            (exit, stdout, stderr) = await EtlHostProcess.RunAsync(ProtocolHosts.PythonStartInfo(["-m", "oais_etl", "--source", source, "--function", "reverse", "--stdio"]), "abc"u8.ToArray());
            Assert.True(exit == 0, stderr);
            Assert.Equal("cba", Encoding.UTF8.GetString(stdout));
            (exit, _, stderr) = await EtlHostProcess.RunAsync(ProtocolHosts.PythonStartInfo(["-m", "oais_etl", "--source", source, "--stdio"]), []);
            Assert.Equal(3, exit);
            Assert.Contains("defines no function or class 'transform' (there: reverse)", stderr);

            // A class, as AIStore's init_class takes: made once, its transform method serves.
            await File.WriteAllTextAsync(source, "class Shout:\n    def __init__(self):\n        self.suffix = b'!'\n    def transform(self, data, path, args):\n        return data.upper() + self.suffix\n");
            (exit, stdout, stderr) = await EtlHostProcess.RunAsync(ProtocolHosts.PythonStartInfo(["-m", "oais_etl", "--source", source, "--function", "Shout", "--stdio"]), "abc"u8.ToArray());
            Assert.True(exit == 0, stderr);
            Assert.Equal("ABC!", Encoding.UTF8.GetString(stdout));
        }
        finally
        {
            File.Delete(source);
        }
    }
}
