using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.EtlHost.Tests.Infrastructure;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Etl;

/// <summary>
/// Zero-image Python ETL (runtime.python, like AIStore's init_class) on three silos running transformers as local
/// python3 processes: inline and offline, each silo's transformer handling only the objects that silo owns; and init
/// failures (a package no index can provide, a syntax error) refused quickly with the cause.
/// </summary>
public sealed class PythonEtlTests(ThreeSiloProcessEtlCluster cluster) : PythonEtlTestsBase(cluster), IClassFixture<ThreeSiloProcessEtlCluster>
{
    protected override void RequireRuntime() => PythonRequirement.SkipUnlessAvailable();

    [SkippableFact]
    public async Task Packages_no_index_can_provide_are_refused_at_init_with_the_cause_not_a_hang()
    {
        PythonRequirement.SkipUnlessAvailable();
        var clock = Stopwatch.StartNew();
        using var response = await Etl.InitAsync(PythonSpec("py-packages", "hpush://", Source, ["oais-no-such-package-anywhere"]));
        var message = await response.Content.ReadAsStringAsync();
        try
        {
            Assert.False(response.IsSuccessStatusCode, message);
            // Offline: no index reachable; online: pip finds no such package. Either way the cause, well before init_timeout.
            Assert.Contains("runtime.python.packages: ", message);
            Assert.Contains("oais-no-such-package-anywhere", message);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(50), $"took {clock.Elapsed}");
        }
        finally
        {
            await Etl.DeleteAsync("py-packages");
        }
    }

    [SkippableFact]
    public async Task A_syntax_error_is_an_init_failure_naming_the_line()
    {
        PythonRequirement.SkipUnlessAvailable();
        using var response = await Etl.InitAsync(PythonSpec("py-syntax", "hpush://", "import os\ndef transform(data, path, args)\n    return data\n"));
        var message = await response.Content.ReadAsStringAsync();
        try
        {
            Assert.False(response.IsSuccessStatusCode, message);
            Assert.Contains("syntax error in transform.py line 2", message);
        }
        finally
        {
            await Etl.DeleteAsync("py-syntax");
        }
    }

    [SkippableFact]
    public async Task The_cli_inits_a_python_file_and_runs_it_inline()
    {
        PythonRequirement.SkipUnlessAvailable();
        var work = Directory.CreateTempSubdirectory("oais-py-cli-").FullName;
        try
        {
            var file = Path.Combine(work, "shout.py");
            await File.WriteAllTextAsync(file, "def shout(reader, writer, path, args):\n    for piece in reader:\n        writer.write(piece.upper())\n");
            await Etl.CreateBucketAsync("py-cli");
            await Etl.PutAsync("py-cli", "a.txt", new StringContent("quiet words"));
            var init = await Cli.OaisCli.RunAsync(Cluster.Endpoint, ["etl", "init", "--name", "py-from-file", "--from-file", file, "--function", "shout", "--comm-type", "ws"]);
            Assert.True(init.ExitCode == 0, init.Stdout + init.Stderr);
            var view = await Etl.ViewAsync("py-from-file");
            Assert.Equal("shout", view.GetProperty("spec").GetProperty("runtime").GetProperty("python").GetProperty("function").GetString());
            var run = await Cli.OaisCli.RunAsync(Cluster.Endpoint, ["etl", "object", "py-from-file", "py-cli/a.txt", "-"]);
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Equal("QUIET WORDS", run.Stdout);
        }
        finally
        {
            await Etl.DeleteAsync("py-from-file");
            Directory.Delete(work, recursive: true);
        }
    }

    [SkippableFact]
    public async Task A_transformer_that_never_answers_health_times_out_with_what_to_check_and_its_output()
    {
        PythonRequirement.SkipUnlessAvailable();
        // Its import never finishes, so it never serves: the init fails at init_timeout, saying what was expected.
        var spec = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["name"] = "py-never-healthy", ["init_timeout"] = "3s",
            ["runtime"] = new { python = new { source = "import time\nprint('loading a huge model...', flush=True)\ntime.sleep(3600)\n" } },
        });
        using var response = await Etl.InitAsync(spec);
        var message = await response.Content.ReadAsStringAsync();
        try
        {
            Assert.False(response.IsSuccessStatusCode, message);
            Assert.Contains("within init_timeout", message);
            Assert.Contains("$PORT=", message);
            Assert.Contains("loading a huge model...", message);
        }
        finally
        {
            await Etl.DeleteAsync("py-never-healthy");
        }
    }

    [SkippableFact]
    public async Task A_python_exception_reaches_the_caller_and_each_silo_shows_its_last_failed_object()
    {
        PythonRequirement.SkipUnlessAvailable();
        const string name = "py-failing";
        await Etl.CreateBucketAsync("py-fail");
        await Etl.PutAsync("py-fail", "labels/broken.cls", new StringContent("not a number"));
        var source = "def transform(data, path, args):\n    return str(int(data)).encode()\n";
        await Etl.InitOkAsync(PythonSpec(name, "hpush://", source));
        try
        {
            using var failed = await Etl.GetTransformedAsync("py-fail", "labels/broken.cls", name);
            var message = await failed.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            // The transformer's own words: the object, the Python exception, where it was raised.
            Assert.Contains("py-fail/labels/broken.cls: ValueError: invalid literal for int() with base 10", message);
            Assert.Contains("(at transform.py:2 in transform)", message);

            using var head = await Cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, Etl.ObjectUri("py-fail", "labels/broken.cls", "")));
            var owner = head.Headers.GetValues("X-Oais-Node").Single();
            var nodes = (await Etl.ViewAsync(name)).GetProperty("nodes").EnumerateArray().ToList();
            var last = nodes.Single(n => n.GetProperty("node").GetString() == owner).GetProperty("last_transform_error").GetString();
            Assert.Contains("py-fail/labels/broken.cls: ", last);
            Assert.Contains("ValueError: invalid literal for int()", last);
            Assert.All(nodes.Where(n => n.GetProperty("node").GetString() != owner), n => Assert.Equal(JsonValueKind.Null, n.GetProperty("last_transform_error").ValueKind));

            var show = await Cli.OaisCli.RunAsync(Cluster.Endpoint, ["etl", "show", name]);
            Assert.True(show.ExitCode == 0, show.Stderr);
            Assert.Contains($"last failed object on {owner}: ", show.Stdout);
            Assert.Contains("ValueError", show.Stdout);
        }
        finally
        {
            await Etl.DeleteAsync(name);
        }
    }

    [Fact]
    public async Task A_bad_python_spec_is_a_400_naming_the_field()
    {
        using var response = await Etl.InitAsync("""{"name":"py-bad-spec","runtime":{"python":{"source":"x=1","function":"not a name","packages":["-r /etc/passwd"]}}}""");
        var message = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("runtime.python.function: 'not a name'", message);
        Assert.Contains("runtime.python.packages: '-r /etc/passwd'", message);
    }
}

/// <summary>
/// The zero-image Python ETL on three silos, inline and offline: each silo's own transformer (a python3 process, or a
/// container of oais/etl-python) transforms exactly the objects that silo owns.
/// </summary>
public abstract class PythonEtlTestsBase(SiloCluster cluster)
{
    protected SiloCluster Cluster { get; } = cluster;
    protected EtlHttp Etl { get; } = new(cluster.Http, cluster.Endpoint);

    /// <summary>Skips (or, where required, fails) when this runtime cannot run here.</summary>
    protected abstract void RequireRuntime();

    /// <summary>Answers "node|bucket/object|etl_args|" and the object upper-cased: which silo's transformer ran, on what.</summary>
    protected const string Source = """
        import os

        def transform(data: bytes, path: str, args: str) -> bytes:
            return f"{os.environ['OAIS_NODE_ID']}|{path}|{args}|".encode() + data.upper()
        """;

    protected static string PythonSpec(string name, string communication, string source, string[]? packages = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["name"] = name, ["communication"] = communication, ["init_timeout"] = "60s",
            ["runtime"] = new Dictionary<string, object>
            {
                ["python"] = new Dictionary<string, object> { ["source"] = source, ["function"] = "transform", ["packages"] = packages ?? [] },
            },
        });

    [SkippableTheory]
    [InlineData("hpush://")]
    [InlineData("hrev://")]
    [InlineData("ws://")]
    [InlineData("io://")]
    public async Task A_python_function_runs_inline_and_offline_on_every_silo_for_its_own_objects(string communication)
    {
        RequireRuntime();
        var scheme = communication[..^3];
        var name = $"python-{scheme}";
        var bucket = $"py-src-{scheme}";
        await Etl.CreateBucketAsync(bucket);
        var names = Enumerable.Range(0, 24).Select(i => $"dir/obj-{i:D2}.txt").ToList();
        foreach (var n in names) await Etl.PutAsync(bucket, n, new StringContent($"text {n}"));
        await Etl.InitOkAsync(PythonSpec(name, communication, Source));
        try
        {
            // Inline: every answer comes from the owner's transformer.
            var owners = new Dictionary<string, string>();
            foreach (var n in names)
            {
                using var head = await Cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, Etl.ObjectUri(bucket, n, "")));
                owners[n] = head.Headers.GetValues("X-Oais-Node").Single();
                using var transformed = await Etl.GetTransformedAsync(bucket, n, name, args: "k=v");
                var body = await transformed.Content.ReadAsStringAsync();
                Assert.True(transformed.StatusCode == HttpStatusCode.OK, $"{n}: {(int)transformed.StatusCode} {body}");
                Assert.Equal($"{owners[n]}|{bucket}/{n}|k=v|TEXT {n.ToUpperInvariant()}", body);
            }
            Assert.Equal(3, owners.Values.Distinct().Count()); // 24 names spread over all three silos

            // Offline: each source silo transforms what it owns, so each result names its source's owner.
            var destination = $"py-dst-{scheme}";
            var job = await RunJobAsync(new { etl = name, from_bucket = bucket, to_bucket = destination, create_destination = true });
            Assert.True(job.GetProperty("state").GetString() == "Succeeded", job.ToString());
            foreach (var n in names)
            {
                var result = await Cluster.Http.GetStringAsync(Etl.ObjectUri(destination, n, ""));
                Assert.Equal($"{owners[n]}|{bucket}/{n}||TEXT {n.ToUpperInvariant()}", result);
            }

            // Each silo's own python3 transformer did the work, and nothing else.
            var view = await Etl.ViewAsync(name);
            Assert.Equal("Running", view.GetProperty("stage").GetString());
            foreach (var node in view.GetProperty("nodes").EnumerateArray())
            {
                var id = node.GetProperty("node").GetString()!;
                Assert.Equal(2 * owners.Values.Count(o => o == id), node.GetProperty("objects").GetInt64());
                // The Python host takes the silo's Unix socket offer (hrev fetches the object over the silo's own one).
                if (communication != "io://") Assert.Equal("unix", node.GetProperty("transport").GetString());
            }
        }
        finally
        {
            await Etl.DeleteAsync(name);
        }
    }

    protected Task<JsonElement> RunJobAsync(object body) => Etl.RunJobAsync(body);
}

/// <summary>The same on the Docker runtime: runtime.python runs in oais/etl-python:latest (etl-host/build-image.sh python).</summary>
public sealed class DockerPythonEtlTests(ThreeSiloDockerEtlCluster cluster) : PythonEtlTestsBase(cluster), IClassFixture<ThreeSiloDockerEtlCluster>
{
    protected override void RequireRuntime()
    {
        DockerRequirement.SkipUnlessAvailable();
        var image = OrleansAis.Etl.Runtimes.PythonTransformer.DefaultImage;
        var (code, output) = DockerRequirement.Run("image", "inspect", "--format", "{{.Id}}", image);
        if (code == 0) return;
        var reason = $"image {image} is not built (run etl-host/build-image.sh python): {output}";
        if (OrleansAis.Tests.Etl.DockerAvailability.Required) Assert.Fail($"Docker is required here (OAIS_REQUIRE_DOCKER=1) but {reason}");
        Skip.If(true, $"Docker Python tests skipped: {reason}");
    }
}
