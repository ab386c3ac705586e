using System.Text;
using System.Text.Json;
using OrleansAis.EndToEnd.Tests.Etl;
using OrleansAis.Tests;

namespace OrleansAis.EndToEnd.Tests.Cli;

/// <summary><c>oais etl</c> against three real silos with process transformers: init, show/view/logs/metrics, lifecycle, object transforms, bad specs.</summary>
[Collection(CliEtlCollection.Name)]
public sealed class CliEtlTests(ThreeSiloProcessEtlCluster cluster) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("oais-cli-etl-").FullName;
    private readonly EtlHttp _etl = new(cluster.Http, cluster.Endpoint);

    private Uri Endpoint => cluster.Endpoint;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private async Task<string> WriteAsync(string fileName, string text)
    {
        var path = Path.Combine(_work, fileName);
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    [Fact]
    public async Task Init_from_yaml_json_stdin_and_flags_then_show_view_logs_and_metrics()
    {
        var yaml = await WriteAsync("upper.yaml", """
            name: cli-upper
            communication: hpush://
            init_timeout: 60s
            runtime:
              command: [etl-host, upper]
            """);
        var json = EtlHttp.Spec("cli-md5", "ws://", ["etl-host", "md5"]);
        try
        {
            var fromYaml = (await OaisCli.OkAsync(Endpoint, "etl", "init", yaml, "--json")).Json();
            Assert.Equal("Running", fromYaml.GetProperty("stage").GetString());
            Assert.Equal(3, fromYaml.GetProperty("nodes").GetArrayLength());
            var fromStdin = await OaisCli.RunAsync(Endpoint, ["etl", "init", "-"], stdin: Encoding.UTF8.GetBytes(json));
            Assert.True(fromStdin.ExitCode == 0, fromStdin.ToString());
            Assert.Contains("initialized ETL cli-md5 (ws://): Running on 3/3 Running", fromStdin.Stdout);
            await OaisCli.OkAsync(Endpoint, "etl", "init", "--name", "cli-whoami", "--comm-type", "hrev", "--command", "etl-host whoami");

            var list = (await OaisCli.OkAsync(Endpoint, "etl", "show")).Stdout.Split('\n');
            Assert.Matches(@"^cli-upper\s+Running\s+hpush://\s+process\s+3/3 Running\s+0\s+0", list.Single(l => l.StartsWith("cli-upper")));
            Assert.Matches(@"^cli-md5\s+Running\s+ws://\s+process\s+3/3 Running", list.Single(l => l.StartsWith("cli-md5")));
            Assert.Matches(@"^cli-whoami\s+Running\s+hrev://", list.Single(l => l.StartsWith("cli-whoami")));
            var listed = (await OaisCli.OkAsync(Endpoint, "etl", "show", "--json")).Json().GetProperty("etls").EnumerateArray()
                .Select(e => e.GetProperty("name").GetString()).ToList();
            Assert.Subset(listed.ToHashSet(), new HashSet<string?> { "cli-upper", "cli-md5", "cli-whoami" });

            // One ETL per silo: every node, its stage, runtime and restarts.
            var shown = await OaisCli.OkAsync(Endpoint, "etl", "show", "cli-upper");
            Assert.StartsWith("ETL cli-upper: Running (hpush://, 3/3 Running)", shown.Stdout);
            Assert.All(cluster.Silos, s => Assert.Matches($@"(?m)^{s.NodeId}\s+Running\s+process\s+0\s", shown.Stdout));

            // view prints the spec; it parses, and carries what the YAML said.
            var spec = JsonDocument.Parse((await OaisCli.OkAsync(Endpoint, "etl", "view", "cli-upper")).Stdout).RootElement;
            Assert.Equal("cli-upper", spec.GetProperty("name").GetString());
            Assert.Equal("hpush://", spec.GetProperty("communication").GetString());
            Assert.Equal(["etl-host", "upper"], spec.GetProperty("runtime").GetProperty("command").EnumerateArray().Select(c => c.GetString()));
            Assert.Equal("60s", spec.GetProperty("init_timeout").GetString());

            // Logs: every silo's transformer printed its startup line; --node narrows to one silo, without headers.
            var logs = (await OaisCli.OkAsync(Endpoint, "etl", "logs", "cli-upper", "--json")).Json().GetProperty("logs");
            Assert.Equal(cluster.Silos.Select(s => s.NodeId).Order(), logs.EnumerateObject().Select(p => p.Name).Order());
            Assert.All(logs.EnumerateObject(), p => Assert.Contains("serving", p.Value.GetString()));
            var allLogs = (await OaisCli.OkAsync(Endpoint, "etl", "logs", "cli-upper")).Stdout;
            Assert.All(cluster.Silos, s => Assert.Contains($"==> node {s.NodeId} <==", allLogs));
            var oneNode = await OaisCli.OkAsync(Endpoint, "etl", "logs", "cli-upper", "--node", cluster.Silos[1].NodeId, "--lines", "5");
            Assert.DoesNotContain("==>", oneNode.Stdout);
            Assert.Contains("serving", oneNode.Stdout);
            var unknownNode = await OaisCli.RunAsync(Endpoint, "etl", "logs", "cli-upper", "--node", "no-such-node");
            Assert.Equal(3, unknownNode.ExitCode);
            Assert.Contains("no-such-node", unknownNode.Stderr);

            // Metrics count the transforms done through the CLI.
            await _etl.CreateBucketAsync("cli-metrics");
            await _etl.PutAsync("cli-metrics", "one.txt", new StringContent("metered"));
            Assert.Equal("METERED", (await OaisCli.OkAsync(Endpoint, "etl", "object", "cli-upper", "cli-metrics/one.txt")).Stdout);
            var metrics = (await OaisCli.OkAsync(Endpoint, "etl", "metrics", "cli-upper", "--json")).Json().GetProperty("nodes");
            Assert.Equal(1, metrics.EnumerateArray().Sum(n => n.GetProperty("objects").GetInt64()));
            Assert.Equal(7, metrics.EnumerateArray().Sum(n => n.GetProperty("bytes_in").GetInt64()));
            Assert.Matches(@"(?m)^total\s+1\s+7 B\s+7 B\s+0\s+0$", (await OaisCli.OkAsync(Endpoint, "etl", "metrics", "cli-upper")).Stdout);
        }
        finally
        {
            await _etl.DeleteAsync("cli-upper");
            await _etl.DeleteAsync("cli-md5");
            await _etl.DeleteAsync("cli-whoami");
        }
    }

    [Fact]
    public async Task Stop_start_and_rm_change_the_stage_on_every_silo()
    {
        await _etl.CreateBucketAsync("cli-life");
        await _etl.PutAsync("cli-life", "a.txt", new StringContent("abc"));
        await OaisCli.OkAsync(Endpoint, "etl", "init", await WriteAsync("life.json", EtlHttp.Spec("cli-lifecycle", "hpush://", ["etl-host", "upper"])));
        try
        {
            var stopped = (await OaisCli.OkAsync(Endpoint, "etl", "stop", "cli-lifecycle", "--json")).Json().GetProperty("etls")[0];
            Assert.Equal("Aborted", stopped.GetProperty("stage").GetString());
            Assert.All(stopped.GetProperty("nodes").EnumerateArray(), n => Assert.Equal("Aborted", n.GetProperty("stage").GetString()));
            Assert.Contains("stopped by user", (await OaisCli.OkAsync(Endpoint, "etl", "show", "cli-lifecycle")).Stdout);
            var refused = await OaisCli.RunAsync(Endpoint, "etl", "object", "cli-lifecycle", "cli-life/a.txt");
            Assert.Equal(1, refused.ExitCode);
            Assert.Empty(refused.StdoutBytes);
            Assert.Contains("cli-lifecycle", refused.Stderr);

            var started = await OaisCli.OkAsync(Endpoint, "etl", "start", "cli-lifecycle");
            Assert.Equal("started ETL cli-lifecycle: Running (3/3 Running)", started.Stdout.Trim());
            Assert.Equal("ABC", (await OaisCli.OkAsync(Endpoint, "etl", "object", "cli-lifecycle", "cli-life/a.txt", "-")).Stdout);

            Assert.Equal("removed ETL cli-lifecycle", (await OaisCli.OkAsync(Endpoint, "etl", "rm", "cli-lifecycle")).Stdout.Trim());
            var gone = await OaisCli.RunAsync(Endpoint, "etl", "show", "cli-lifecycle");
            Assert.Equal(3, gone.ExitCode);
            Assert.Contains("cli-lifecycle", gone.Stderr);
            Assert.Equal(3, (await OaisCli.RunAsync(Endpoint, "etl", "rm", "cli-lifecycle")).ExitCode);
            Assert.Equal(3, (await OaisCli.RunAsync(Endpoint, "etl", "view", "cli-lifecycle")).ExitCode);
        }
        finally
        {
            await _etl.DeleteAsync("cli-lifecycle");
        }
    }

    [Fact]
    public async Task Object_transforms_to_a_file_and_stdout_are_byte_exact_and_cp_stores_the_result()
    {
        var big = PatternStream.Bytes(5 << 20, seed: 11);
        await _etl.CreateBucketAsync("cli-objects");
        await _etl.PutAsync("cli-objects", "deep/big.bin", new ByteArrayContent(big));
        await _etl.PutAsync("cli-objects", "note.txt", new StringContent("grüne welt"));
        await _etl.InitOkAsync(EtlHttp.Spec("cli-echo-object", "hpush://", ["etl-host", "echo"]));
        await _etl.InitOkAsync(EtlHttp.Spec("cli-upper-object", "ws://", ["etl-host", "upper"]));
        await _etl.InitOkAsync(EtlHttp.Spec("cli-args-object", "hrev://", ["etl-host", "args"]));
        try
        {
            // To a file: the transformer's output, exactly, and only once complete.
            var file = Path.Combine(_work, "out", "big.copy");
            var saved = await OaisCli.OkAsync(Endpoint, "etl", "object", "cli-echo-object", "cli-objects/deep/big.bin", file, "--json");
            Assert.Equal(big, await File.ReadAllBytesAsync(file));
            Assert.Equal(5 << 20, saved.Json().GetProperty("size").GetInt64());
            Assert.Empty(Directory.GetFiles(Path.Combine(_work, "out"), "*.oais-partial"));
            // Into a directory: the object's last name segment.
            var intoDir = await OaisCli.OkAsync(Endpoint, "etl", "object", "cli-echo-object", "cli-objects/deep/big.bin", _work);
            Assert.Contains("=> " + Path.Combine(_work, "big.bin"), intoDir.Stdout);
            Assert.Equal(big, await File.ReadAllBytesAsync(Path.Combine(_work, "big.bin")));

            // To stdout: nothing but the result's bytes.
            Assert.Equal(big, (await OaisCli.OkAsync(Endpoint, "etl", "object", "cli-echo-object", "cli-objects/deep/big.bin", "-")).StdoutBytes);
            Assert.Equal("GRÜNE WELT", (await OaisCli.OkAsync(Endpoint, "etl", "object", "cli-upper-object", "cli-objects/note.txt")).Stdout);
            Assert.Equal("skip=3 mode=fast", (await OaisCli.OkAsync(Endpoint, "etl", "object", "cli-args-object", "cli-objects/note.txt", "--args", "skip=3 mode=fast")).Stdout);

            // cp: the result is stored as another object, on the cluster.
            await _etl.CreateBucketAsync("cli-objects-out");
            var copied = (await OaisCli.OkAsync(Endpoint, "etl", "object", "cli-upper-object", "cp", "cli-objects/note.txt", "cli-objects-out/shout/NOTE.txt", "--json")).Json();
            Assert.Equal("cli-objects-out/shout/NOTE.txt", copied.GetProperty("to").GetString());
            Assert.Equal("GRÜNE WELT", (await OaisCli.OkAsync(Endpoint, "get", "cli-objects-out/shout/NOTE.txt", "-")).Stdout);
            var copiedText = await OaisCli.OkAsync(Endpoint, "etl", "object", "cli-echo-object", "cp", "cli-objects/deep/big.bin", "cli-objects-out/big.bin");
            Assert.Contains("cli-objects/deep/big.bin => cli-objects-out/big.bin (5 MiB", copiedText.Stdout);
            Assert.Equal(big, (await OaisCli.OkAsync(Endpoint, "get", "cli-objects-out/big.bin", "-")).StdoutBytes);

            // Unknown ETL or object: not found (3) with the server's message; usage mistakes: 2.
            var noEtl = await OaisCli.RunAsync(Endpoint, "etl", "object", "no-such-etl", "cli-objects/note.txt");
            Assert.Equal(3, noEtl.ExitCode);
            Assert.Contains("no-such-etl", noEtl.Stderr);
            Assert.Equal(3, (await OaisCli.RunAsync(Endpoint, "etl", "object", "cli-echo-object", "cli-objects/missing")).ExitCode);
            Assert.Equal(2, (await OaisCli.RunAsync(Endpoint, "etl", "object", "cli-echo-object", "cli-objects")).ExitCode);
            Assert.Equal(2, (await OaisCli.RunAsync(Endpoint, "etl", "object", "cli-echo-object", "cp", "cli-objects/note.txt")).ExitCode);
        }
        finally
        {
            await _etl.DeleteAsync("cli-echo-object");
            await _etl.DeleteAsync("cli-upper-object");
            await _etl.DeleteAsync("cli-args-object");
        }
    }

    [Fact]
    public async Task A_bad_spec_names_the_field_and_starts_nothing()
    {
        var badComm = await WriteAsync("bad-comm.yaml", "name: cli-bad-comm\ncommunication: pigeon://\nruntime:\n  command: [etl-host, echo]\n");
        var run = await OaisCli.RunAsync(Endpoint, "etl", "init", badComm);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("invalid ETL spec: communication: 'pigeon://' is not one of", run.Stderr);

        var unknownField = await OaisCli.RunAsync(Endpoint, "etl", "init", await WriteAsync("bad.json",
            """{"name":"cli-bad-field","colour":"blue","runtime":{"command":["etl-host","echo"]}}"""), "--json");
        Assert.Equal(1, unknownField.ExitCode);
        var error = JsonDocument.Parse(unknownField.Stderr).RootElement.GetProperty("error");
        Assert.Equal("InvalidArgument", error.GetProperty("code").GetString());
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        Assert.Contains("colour: unknown field", error.GetProperty("message").GetString());

        var shortName = await OaisCli.RunAsync(Endpoint, "etl", "init", "--name", "abc", "--command", "etl-host echo");
        Assert.Equal(1, shortName.ExitCode);
        Assert.Contains("name: 'abc' is 3 characters", shortName.Stderr);

        var missing = await OaisCli.RunAsync(Endpoint, "etl", "init", Path.Combine(_work, "nope.yaml"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nope.yaml' does not exist", missing.Stderr);
        Assert.Equal(2, (await OaisCli.RunAsync(Endpoint, "etl", "init", badComm, "--name", "cli-both-ways")).ExitCode);
        Assert.Equal(2, (await OaisCli.RunAsync(Endpoint, "etl", "init")).ExitCode);

        var names = (await OaisCli.OkAsync(Endpoint, "etl", "show", "--json")).Json().GetProperty("etls").EnumerateArray().Select(e => e.GetProperty("name").GetString());
        Assert.DoesNotContain(names, n => n is "cli-bad-comm" or "cli-bad-field");
    }
}
