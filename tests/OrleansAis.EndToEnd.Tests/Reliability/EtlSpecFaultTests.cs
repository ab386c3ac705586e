using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using OrleansAis.EndToEnd.Tests.Etl;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Reliability;

/// <summary>One silo running transformers as local processes, with a short io:// probe bound.</summary>
public sealed class EtlFaultCluster : ProcessEtlCluster
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(4);

    protected override IEnumerable<string> SiloArgs(int index) => [.. base.SiloArgs(index), $"--Etl:IoProbeTimeout={ProbeTimeout:c}"];
}

/// <summary>
/// Specs that cannot run are refused at init with a 4xx naming the problem, and leave nothing registered; io://
/// commands that misbehave are transformer errors, never a 200; a transformer crash is a 503 at once, and its last
/// lines stay in the logs.
/// </summary>
public sealed class EtlSpecFaultTests(EtlFaultCluster cluster) : IClassFixture<EtlFaultCluster>
{
    private EtlHttp Etl => field ??= new(cluster.Http, cluster.Endpoint);

    public static TheoryData<string, string, int, string> RefusedSpecs => new()
    {
        { "a string command", """{"name":"bad-string-cmd","communication":"hpush://","runtime":{"command":"etl-host echo"}}""", 400, "runtime.command: must be a list of strings" },
        { "an image only, on the process runtime", """{"name":"bad-image-only","communication":"hpush://","runtime":{"image":"oais/etl-host:latest"}}""", 400, "give runtime.command" },
        { "a spec over 64 KiB", JsonSerializer.Serialize(new { name = "bad-too-large", communication = "hpush://", runtime = new { command = new[] { "etl-host", "echo" } }, env = new { PAD = new string('x', 70 * 1024) } }), 413, "65536" },
        { "an io:// command that is a server", """{"name":"bad-io-server","communication":"io://","runtime":{"command":["etl-host","echo"]}}""", 400, "--stdio" },
    };

    [Theory]
    [MemberData(nameof(RefusedSpecs))]
    public async Task A_spec_that_cannot_run_is_refused_at_init_and_leaves_nothing_registered(string what, string spec, int status, string named)
    {
        var name = JsonDocument.Parse(spec).RootElement.GetProperty("name").GetString()!;
        var clock = Stopwatch.StartNew();
        using var response = await Etl.InitAsync(spec);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{what}: {(int)response.StatusCode} {body}");
        Assert.Contains(named, body);
        Assert.True(clock.Elapsed < EtlFaultCluster.ProbeTimeout + TimeSpan.FromSeconds(20), $"{what}: init took {clock.Elapsed}");

        using var view = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, $"/v1/etl/{name}"));
        Assert.Equal(HttpStatusCode.NotFound, view.StatusCode);
        Assert.DoesNotContain(name, await cluster.Http.GetStringAsync(new Uri(cluster.Endpoint, "/v1/etl")));
        Assert.False(File.Exists(Path.Combine(cluster.Silos[0].DataDirectory, "etl-processes", name + ".pid")), $"{what}: a transformer was left running");
    }

    [Fact]
    public async Task An_io_command_that_prints_then_fails_is_a_500_not_a_200_with_its_output()
    {
        await Etl.CreateBucketAsync("io-faults");
        await Etl.PutAsync("io-faults", "obj", new StringContent("object bytes"));
        const string name = "io-prints-fails";
        await Etl.InitOkAsync(EtlHttp.Spec(name, "io://", ["sh", "-c", "cat; echo ' and garbage'; exit 3"]));
        try
        {
            using var response = await Etl.GetTransformedAsync("io-faults", "obj", name);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.InternalServerError, $"{(int)response.StatusCode} {body}");
            Assert.Contains("exited with code 3", body);
            Assert.DoesNotContain("garbage", body);
        }
        finally
        {
            await Etl.DeleteAsync(name);
        }
    }

    [Fact]
    public async Task An_io_command_that_prints_then_hangs_is_a_504_not_a_200_with_its_output()
    {
        await Etl.CreateBucketAsync("io-faults");
        await Etl.PutAsync("io-faults", "hang", new StringContent("real object"));
        const string name = "io-prints-hangs";
        // Passes the init probe (its input is answered and the command exits), then hangs on a real object.
        const string script = "read line; if [ \"$line\" = 'oais io:// probe' ]; then echo probed; else echo started; sleep 60; fi";
        await Etl.InitOkAsync(EtlHttp.Spec(name, "io://", ["sh", "-c", script], extra: new Dictionary<string, object> { ["obj_timeout"] = "2s" }));
        try
        {
            using var response = await Etl.GetTransformedAsync("io-faults", "hang", name);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.GatewayTimeout, $"{(int)response.StatusCode} {body}");
            Assert.DoesNotContain("started", body);
        }
        finally
        {
            await Etl.DeleteAsync(name);
        }
    }

    [Fact]
    public async Task A_crashed_transformer_answers_503_at_once_and_its_last_lines_stay_in_the_logs()
    {
        await Etl.CreateBucketAsync("crash-src");
        await Etl.PutAsync("crash-src", "obj", new StringContent("crash me"));
        const string name = "crash-echo";
        await Etl.InitOkAsync(EtlHttp.Spec(name, "hpush://", ["etl-host", "echo"]));
        try
        {
            using (var ok = await Etl.GetTransformedAsync("crash-src", "obj", name))
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            var pidFile = Path.Combine(cluster.Silos[0].DataDirectory, "etl-processes", name + ".pid");
            var pid = int.Parse(await File.ReadAllTextAsync(pidFile));
            using (var transformer = Process.GetProcessById(pid)) transformer.Kill();

            using (var first = await Etl.GetTransformedAsync("crash-src", "obj", name))
            {
                var body = await first.Content.ReadAsStringAsync();
                // Either the crash is already noticed (503 naming it), or the restart already done (200): never a 500.
                Assert.True(first.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.OK, $"first request after the crash: {(int)first.StatusCode} {body}");
            }

            await Waiting.WaitUntil(async () =>
            {
                using var again = await Etl.GetTransformedAsync("crash-src", "obj", name);
                return again.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(60), () => "the transformer was not restarted");

            var logs = await cluster.Http.GetStringAsync(new Uri(cluster.Endpoint, $"/v1/etl/{name}/logs"));
            var text = JsonDocument.Parse(logs).RootElement.GetProperty("logs").EnumerateObject().Single().Value.GetString()!;
            Assert.Contains($"--- previous process (transformer process {pid} exited", text);
            var previous = text[..text.IndexOf("--- current process", StringComparison.Ordinal)];
            Assert.True(previous.Split('\n').Length > 2, $"no lines of the crashed process kept:\n{text}");
        }
        finally
        {
            await Etl.DeleteAsync(name);
        }
    }
}
