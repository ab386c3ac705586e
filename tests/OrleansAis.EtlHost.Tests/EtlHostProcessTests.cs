using System.Security.Cryptography;

namespace OrleansAis.EtlHost.Tests;

/// <summary>The built etl-host executable: stdio mode (io://), serving on --port / PORT, the environment it reads.</summary>
public sealed class EtlHostProcessTests
{
    [Fact]
    public async Task Stdio_mode_transforms_stdin_to_stdout_and_exits_0()
    {
        var (exit, stdout, stderr) = await EtlHostProcess.RunAsync(["upper", "--stdio"], "make me loud"u8.ToArray());
        Assert.True(exit == 0, stderr);
        Assert.Equal("MAKE ME LOUD", Encoding.UTF8.GetString(stdout));
    }

    [Fact]
    public async Task Stdio_mode_streams_a_large_object()
    {
        var body = RandomNumberGenerator.GetBytes(5 << 20);
        var (exit, stdout, stderr) = await EtlHostProcess.RunAsync(["md5", "--stdio"], body);
        Assert.True(exit == 0, stderr);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(body)), Encoding.ASCII.GetString(stdout));
    }

    [Fact]
    public async Task Stdio_mode_reads_object_path_and_etl_args_from_the_environment()
    {
        var env = new Dictionary<string, string> { ["OBJECT_PATH"] = "bkt/dir/poison.txt", ["ETL_ARGS"] = "poison" };
        var (exit, stdout, stderr) = await EtlHostProcess.RunAsync(["args", "--stdio"], [], env);
        Assert.Equal((0, "poison"), (exit, Encoding.UTF8.GetString(stdout)));

        (exit, _, stderr) = await EtlHostProcess.RunAsync(["fail-on", "--stdio"], "x"u8.ToArray(), env);
        Assert.NotEqual(0, exit);
        Assert.Contains("transformer error: refusing 'bkt/dir/poison.txt'", stderr);
    }

    [Fact]
    public async Task Stdio_mode_exec_reports_a_failing_command()
    {
        var (exit, _, stderr) = await EtlHostProcess.RunAsync(["exec", "--stdio", "--", "sh", "-c", "echo oops >&2; exit 4"], "x"u8.ToArray());
        Assert.NotEqual(0, exit);
        Assert.Contains("exited with code 4: oops", stderr);
    }

    [Theory]
    [InlineData(new string[0], "name a transformer")]
    [InlineData(new[] { "nope" }, "unknown transformer 'nope'")]
    [InlineData(new[] { "exec" }, "after '--'")]
    [InlineData(new[] { "echo", "--port", "x" }, "--port needs a number")]
    public async Task Bad_arguments_exit_2_with_the_reason_and_the_usage(string[] args, string reason)
    {
        var (exit, _, stderr) = await EtlHostProcess.RunAsync(args, []);
        Assert.Equal(2, exit);
        Assert.Contains(reason, stderr);
        Assert.Contains("usage: etl-host", stderr);
    }

    [Fact]
    public async Task Serves_on_the_port_option_and_answers_whoami_with_the_node_id()
    {
        var port = EtlHostProcess.FreePort();
        await using var server = await EtlHostServer.StartAsync(["whoami", "--port", port.ToString()], port,
            new Dictionary<string, string> { ["OAIS_NODE_ID"] = "node-7" });
        using var response = await server.Http.PutAsync("bkt/obj", new ByteArrayContent([1, 2, 3]));
        Assert.Equal("node-7", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Serves_on_PORT_and_pulls_from_AIS_TARGET_URL()
    {
        await using var silo = await FakeSilo.StartAsync();
        silo.Objects["/v1/etl/_target/e/t/bkt/obj.txt"] = "pull me"u8.ToArray();
        var port = EtlHostProcess.FreePort();
        await using var server = await EtlHostServer.StartAsync(["exec", "--", "tr", "a-z", "A-Z"], port, new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(), ["AIS_TARGET_URL"] = silo.Url("/v1/etl/_target/e/t"),
        });
        Assert.Equal("PULL ME", await server.Http.GetStringAsync("bkt/obj.txt"));
    }
}
