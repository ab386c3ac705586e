using System.Security.Cryptography;
using System.Text.Json;
using OrleansAis.EndToEnd.Tests.Etl;

namespace OrleansAis.EndToEnd.Tests.Cli;

/// <summary><c>oais etl bucket|inspect</c> and <c>oais job show|wait|abort</c> against three real silos with process transformers.</summary>
[Collection(CliEtlCollection.Name)]
public sealed class CliJobTests(ThreeSiloProcessEtlCluster cluster)
{
    private readonly EtlHttp _etl = new(cluster.Http, cluster.Endpoint);

    private Uri Endpoint => cluster.Endpoint;

    private static List<string> FailedNames(JsonElement job) =>
        job.GetProperty("nodes").EnumerateArray().SelectMany(n => n.GetProperty("errors").EnumerateArray())
            .Select(e => e.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToList();

    private async Task<List<string>> ListAsync(string bucket) =>
        (await OaisCli.OkAsync(Endpoint, "ls", bucket, "--json")).Json().GetProperty("entries").EnumerateArray()
            .Select(e => e.GetProperty("name").GetString()!).ToList();

    [Fact]
    public async Task Bucket_with_wait_transforms_exactly_the_selection_with_renames_and_exits_zero()
    {
        var names = await CliEtlCollection.FillAsync(_etl, "cli-job-src", 40, i => i < 30 ? $"audio/{i:D3}.flac" : $"video/{i:D3}.mp4");
        await _etl.InitOkAsync(EtlHttp.Spec("cli-job-md5", "hpush://", ["etl-host", "md5"], extra: new Dictionary<string, object> { ["support_direct_put"] = true }));
        try
        {
            var run = await OaisCli.OkAsync(Endpoint, "etl", "bucket", "cli-job-md5", "cli-job-src", "cli-job-dst", "--prefix", "audio/",
                "--ext", "{flac:wav}", "--prepend", "md5/", "--num-workers", "3", "--create-destination", "--wait");
            var id = System.Text.RegularExpressions.Regex.Match(run.Stdout, @"^started job (job-\w+): ETL cli-job-md5, cli-job-src => cli-job-dst").Groups[1].Value;
            Assert.NotEmpty(id);
            Assert.Matches($@"job {id} Succeeded in [\d.ms]+: 30 objects \(", run.Stdout);
            Assert.Contains("0 skipped, 0 errors", run.Stdout);
            Assert.Contains($"{id}: 100% of 30, 30 objects", run.Stderr); // stderr is not a terminal: progress comes as lines (with the total counted up front), the last one final

            Assert.Equal(Enumerable.Range(0, 30).Select(i => $"md5/audio/{i:D3}.wav"), await ListAsync("cli-job-dst"));
            // Checked over HTTP: thirty more CLI processes would only add start-up time.
            for (var i = 0; i < 30; i++)
            {
                var got = await cluster.Http.GetStringAsync(_etl.ObjectUri("cli-job-dst", $"md5/audio/{i:D3}.wav", ""));
                Assert.Equal(Convert.ToHexStringLower(MD5.HashData(CliEtlCollection.Content(i))), got);
            }

            // A list selection with --json and --wait: one document, the final status.
            var listed = (await OaisCli.OkAsync(Endpoint, "etl", "bucket", "cli-job-md5", "cli-job-src", "cli-job-list",
                "--list", "video/031.mp4,audio/002.flac", "--create-destination", "--wait", "--json")).Json();
            Assert.Equal("Succeeded", listed.GetProperty("state").GetString());
            Assert.Equal(2, listed.GetProperty("objects").GetInt64());
            Assert.Equal(["audio/002.flac", "video/031.mp4"], await ListAsync("cli-job-list"));

            // Without --wait: just the id, and the job is there to show.
            var started = (await OaisCli.OkAsync(Endpoint, "etl", "bucket", "cli-job-md5", "cli-job-src", "cli-job-tpl",
                "--template", "video/{030..038..4}.mp4", "--create-destination")).Stdout.Trim();
            Assert.Matches(@"^job-\w+$", started);
            var waited = await OaisCli.OkAsync(Endpoint, "job", "wait", started);
            Assert.Contains($"job {started} Succeeded", waited.Stdout);
            Assert.Equal(["video/030.mp4", "video/034.mp4", "video/038.mp4"], await ListAsync("cli-job-tpl"));

            // Dry run: counts, writes nothing, not even the bucket.
            var dry = (await OaisCli.OkAsync(Endpoint, "etl", "bucket", "cli-job-md5", "cli-job-src", "cli-job-dry", "--dry-run", "--create-destination", "--wait", "--json")).Json();
            Assert.Equal(40, dry.GetProperty("objects").GetInt64());
            Assert.Equal(names.Select((_, i) => (long)CliEtlCollection.Content(i).Length).Sum(), dry.GetProperty("bytes_in").GetInt64());
            Assert.Equal(3, (await OaisCli.RunAsync(Endpoint, "ls", "cli-job-dry")).ExitCode);
        }
        finally
        {
            await _etl.DeleteAsync("cli-job-md5");
        }
    }

    [Fact]
    public async Task Bucket_and_object_take_a_pipeline_in_aistore_spelling_with_args_per_stage()
    {
        await CliEtlCollection.FillAsync(_etl, "cli-pl-src", 6, i => $"part-{i}.txt");
        await _etl.InitOkAsync(EtlHttp.Spec("cli-pl-fail", "hpush://", ["etl-host", "fail-on"]));
        await _etl.InitOkAsync(EtlHttp.Spec("cli-pl-md5", "ws://", ["etl-host", "md5"]));
        try
        {
            // fail-on gets "nomatch" (passes every object), md5 gets no args.
            var job = (await OaisCli.OkAsync(Endpoint, "etl", "bucket", "cli-pl-fail>>cli-pl-md5", "cli-pl-src", "cli-pl-dst",
                "--args", "nomatch", "--args", "", "--create-destination", "--wait", "--json")).Json();
            Assert.Equal(("Succeeded", 6L), (job.GetProperty("state").GetString(), job.GetProperty("objects").GetInt64()));
            Assert.Equal("cli-pl-fail>>cli-pl-md5", job.GetProperty("request").GetProperty("etl").GetString());
            Assert.Equal("nomatch", job.GetProperty("request").GetProperty("pipeline")[0].GetProperty("etl_args").GetString());
            for (var i = 0; i < 6; i++)
            {
                var got = await cluster.Http.GetStringAsync(_etl.ObjectUri("cli-pl-dst", $"part-{i}.txt", ""));
                Assert.Equal(Convert.ToHexStringLower(MD5.HashData(CliEtlCollection.Content(i))), got);
            }
            var inline = await OaisCli.OkAsync(Endpoint, "etl", "object", "cli-pl-fail>>cli-pl-md5", "cli-pl-src/part-2.txt", "-");
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(CliEtlCollection.Content(2))), inline.Stdout);
            // One --args for every stage: fail-on now refuses part-3, and the job says which stage did.
            var failed = await OaisCli.RunAsync(Endpoint, "etl", "bucket", "cli-pl-fail>>cli-pl-md5", "cli-pl-src", "cli-pl-dst2",
                "--args", "part-3", "--create-destination", "--continue-on-error", "--wait", "--json");
            var error = Assert.Single(failed.Json().GetProperty("nodes").EnumerateArray().SelectMany(n => n.GetProperty("errors").EnumerateArray()));
            Assert.Contains("stage 1 of 2 (ETL 'cli-pl-fail') failed on 'cli-pl-src/part-3.txt'", error.GetProperty("message").GetString());
        }
        finally
        {
            await _etl.DeleteAsync("cli-pl-fail");
            await _etl.DeleteAsync("cli-pl-md5");
        }
    }

    [Fact]
    public async Task A_failing_job_exits_non_zero_and_job_show_names_the_failed_objects()
    {
        await CliEtlCollection.FillAsync(_etl, "cli-fail-src", 30, i => i % 10 == 4 ? $"bad-{i:D2}" : $"good-{i:D2}");
        await _etl.InitOkAsync(EtlHttp.Spec("cli-fail-on", "hpush://", ["etl-host", "fail-on"],
            extra: new Dictionary<string, object> { ["env"] = new Dictionary<string, string> { ["FAIL_ON"] = "bad-" } }));
        try
        {
            var strict = await OaisCli.RunAsync(Endpoint, "etl", "bucket", "cli-fail-on", "cli-fail-src", "cli-fail-dst", "--create-destination", "--wait");
            Assert.True(strict.ExitCode == 1, strict.ToString());
            Assert.Matches(@"error: job job-\w+ Failed: node .*bad-", strict.Stderr);
            Assert.Matches(@"job job-\w+ Failed in", strict.Stdout);
            Assert.Contains("reason: node", strict.Stdout);

            var tolerant = await OaisCli.RunAsync(Endpoint, "etl", "bucket", "cli-fail-on", "cli-fail-src", "cli-fail-dst2", "--create-destination",
                "--continue-on-error", "--wait", "--json");
            Assert.True(tolerant.ExitCode == 0, tolerant.ToString()); // the job succeeded; its failed objects are listed
            var job = tolerant.Json();
            var expected = new[] { "bad-04", "bad-14", "bad-24" };
            Assert.Equal(expected, FailedNames(job));
            Assert.Equal(27, job.GetProperty("objects").GetInt64());

            var id = job.GetProperty("id").GetString()!;
            var shown = (await OaisCli.OkAsync(Endpoint, "job", "show", id)).Stdout;
            Assert.All(cluster.Silos, s => Assert.Matches($@"(?m)^{s.NodeId}\s+Succeeded\s+\d+\s+0\s+\d+\s", shown));
            Assert.Contains($"job {id} Succeeded in", shown);
            Assert.All(expected, name => Assert.Matches($@"(?m)^  {name}  \(node [^)]+\): .*{name}", shown));
            Assert.DoesNotContain("good-", shown);
            Assert.Equal(expected, FailedNames((await OaisCli.OkAsync(Endpoint, "job", "show", id, "--json")).Json()));

            var list = (await OaisCli.OkAsync(Endpoint, "job", "show")).Stdout;
            Assert.Matches($@"(?m)^{id}\s+Succeeded\s+cli-fail-on\s+Transform\s+cli-fail-src\s+cli-fail-dst2\s+27\s+3\s", list);
            Assert.Contains("Failed", list); // the strict one
            Assert.Contains(id, (await OaisCli.OkAsync(Endpoint, "job", "show", "--json")).Json().GetProperty("jobs").EnumerateArray()
                .Select(j => j.GetProperty("id").GetString()));
        }
        finally
        {
            await _etl.DeleteAsync("cli-fail-on");
        }
    }

    [Fact]
    public async Task Inspect_reports_exactly_the_failing_objects_and_keeps_nothing()
    {
        await CliEtlCollection.FillAsync(_etl, "cli-inspect", 24, i => i is 5 or 17 ? $"part-{i:D2}-marked" : $"part-{i:D2}");
        await _etl.InitOkAsync(EtlHttp.Spec("cli-inspector", "ws://", ["etl-host", "fail-on"]));
        try
        {
            // The marker reaches fail-on as etl_args.
            var found = await OaisCli.RunAsync(Endpoint, "etl", "inspect", "cli-inspector", "cli-inspect", "--args", "marked");
            Assert.True(found.ExitCode == 1, found.ToString());
            Assert.Contains("error: 2 of 24 objects failed ETL cli-inspector", found.Stderr);
            var listedFailures = found.Stdout.Split('\n').Where(l => l.StartsWith("  part-")).Select(l => l.Trim().Split(' ')[0]).ToList();
            Assert.Equal(["part-05-marked", "part-17-marked"], listedFailures);
            Assert.Matches(@"Succeeded in [\d.ms]+: 22 objects", found.Stdout);

            var json = await OaisCli.RunAsync(Endpoint, "etl", "inspect", "cli-inspector", "cli-inspect", "--args", "marked", "--prefix", "part-1", "--json");
            Assert.Equal(1, json.ExitCode);
            Assert.Equal(["part-17-marked"], FailedNames(json.Json()));
            Assert.Equal("Inspect", json.Json().GetProperty("request").GetProperty("mode").GetString());
            Assert.Equal("ObjectsFailed", JsonDocument.Parse(json.Stderr).RootElement.GetProperty("error").GetProperty("code").GetString());

            var clean = await OaisCli.RunAsync(Endpoint, "etl", "inspect", "cli-inspector", "cli-inspect", "--args", "marked", "--template", "part-{00..04}");
            Assert.True(clean.ExitCode == 0, clean.ToString());
            Assert.Contains("5 objects", clean.Stdout);
            Assert.DoesNotContain("failed objects", clean.Stdout);

            Assert.Equal(2, (await OaisCli.RunAsync(Endpoint, "etl", "inspect", "cli-inspector", "cli-inspect", "--prefix", "a", "--list", "b")).ExitCode);
            Assert.Equal(24, (await ListAsync("cli-inspect")).Count); // nothing written anywhere
        }
        finally
        {
            await _etl.DeleteAsync("cli-inspector");
        }
    }

    [Fact]
    public async Task Job_wait_times_out_abort_stops_it_and_wait_then_reports_aborted()
    {
        await CliEtlCollection.FillAsync(_etl, "cli-slow-src", 60, i => $"s/{i:D2}");
        // Each object takes a second, so the job is still running while the commands below run.
        await _etl.InitOkAsync(EtlHttp.Spec("cli-slow-copy", "hpush://", ["etl-host", "exec", "--", "sh", "-c", "sleep 1; cat"]));
        try
        {
            var id = (await OaisCli.OkAsync(Endpoint, "etl", "bucket", "cli-slow-copy", "cli-slow-src", "cli-slow-dst", "--num-workers", "1", "--create-destination"))
                .Stdout.Trim();
            Assert.Matches($@"(?m)^{id}\s+Running\s", (await OaisCli.OkAsync(Endpoint, "job", "show")).Stdout);

            var timedOut = await OaisCli.RunAsync(Endpoint, "job", "wait", id, "--timeout", "2s");
            Assert.Equal(1, timedOut.ExitCode);
            Assert.Contains($"job {id} is still running after 2s", timedOut.Stderr);
            Assert.Contains($"{id}: ", timedOut.Stderr); // a progress line came first

            var aborted = await OaisCli.OkAsync(Endpoint, "job", "abort", id);
            Assert.StartsWith($"aborted job {id} (", aborted.Stdout);
            var waited = await OaisCli.RunAsync(Endpoint, "job", "wait", id, "--json");
            Assert.Equal(1, waited.ExitCode);
            Assert.Equal("Aborted", waited.Json().GetProperty("state").GetString());
            Assert.Equal("JobAborted", JsonDocument.Parse(waited.Stderr).RootElement.GetProperty("error").GetProperty("code").GetString());
            Assert.InRange(waited.Json().GetProperty("objects").GetInt64(), 1, 40);
            var shown = await OaisCli.OkAsync(Endpoint, "job", "show", id);
            Assert.Contains("aborted by user", shown.Stdout);

            var again = await OaisCli.OkAsync(Endpoint, "job", "abort", id);
            Assert.StartsWith($"aborted job {id}", again.Stdout);

            var unknown = await OaisCli.RunAsync(Endpoint, "job", "show", "job-doesnotexist");
            Assert.Equal(3, unknown.ExitCode);
            Assert.Contains("job 'job-doesnotexist' does not exist", unknown.Stderr);
            Assert.Equal(3, (await OaisCli.RunAsync(Endpoint, "job", "wait", "job-doesnotexist")).ExitCode);
            Assert.Equal(2, (await OaisCli.RunAsync(Endpoint, "job", "wait", id, "--timeout", "soon")).ExitCode);
            var unknownEtl = await OaisCli.RunAsync(Endpoint, "etl", "bucket", "no-such-etl", "cli-slow-src", "cli-slow-dst", "--wait");
            Assert.Equal(3, unknownEtl.ExitCode);
            Assert.Contains("no-such-etl", unknownEtl.Stderr);
        }
        finally
        {
            await _etl.DeleteAsync("cli-slow-copy");
        }
    }
}
