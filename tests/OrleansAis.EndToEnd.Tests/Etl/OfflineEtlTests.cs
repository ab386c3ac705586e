using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using OrleansAis.Testing;
using OrleansAis.Http.Contracts;

namespace OrleansAis.EndToEnd.Tests.Etl;

/// <summary>Offline (bucket-to-bucket, list, template) transforms on three real silos whose transformers are processes.</summary>
public sealed class OfflineEtlTests(ThreeSiloProcessEtlCluster cluster) : IClassFixture<ThreeSiloProcessEtlCluster>
{
    private readonly EtlHttp _etl = new(cluster.Http, cluster.Endpoint);

    private static byte[] Content(int i) => System.Text.Encoding.UTF8.GetBytes($"object number {i} " + new string((char)('a' + i % 26), i % 300));

    private async Task<List<string>> FillAsync(string bucket, int count, Func<int, string> name)
    {
        await _etl.CreateBucketAsync(bucket);
        var names = Enumerable.Range(0, count).Select(name).ToList();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => await _etl.PutAsync(bucket, names[i], new ByteArrayContent(Content(i))));
        return names;
    }

    private Task<JsonElement> RunJobAsync(object body) => _etl.RunJobAsync(body);

    private Task<JsonElement> JobStatusAsync(string id, string query = "") => _etl.JobStatusAsync(id, query);

    private static bool AnyNodeRunning(JsonElement status) =>
        status.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("state").GetString() == "Running");

    private async Task<List<string>> ListAsync(string bucket)
    {
        var names = new List<string>();
        string? token = null;
        do
        {
            var page = JsonDocument.Parse(await cluster.Http.GetStringAsync(new Uri(cluster.Endpoint,
                $"/v1/buckets/{bucket}?page_size=500" + (token is null ? "" : "&continuation_token=" + Uri.EscapeDataString(token))))).RootElement;
            names.AddRange(page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()!));
            token = page.GetProperty("continuation_token").GetString();
        } while (token is not null);
        return names;
    }

    private async Task<byte[]> GetAsync(string bucket, string name) =>
        await cluster.Http.GetByteArrayAsync(_etl.ObjectUri(bucket, name, ""));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_thousand_objects_are_transformed_with_md5_and_echo_exactly(bool directPut)
    {
        var suffix = directPut ? "direct" : "forward";
        var names = await FillAsync($"src-{suffix}", 1000, i => $"shard/{i:D4}.bin");
        var extra = new Dictionary<string, object> { ["support_direct_put"] = directPut };
        await _etl.InitOkAsync(EtlHttp.Spec($"md5-{suffix}", "hpush://", ["etl-host", "md5"], extra: extra));
        await _etl.InitOkAsync(EtlHttp.Spec($"echo-{suffix}", "ws://", ["etl-host", "echo"], extra: extra));
        try
        {
            var md5 = await RunJobAsync(new { etl = $"md5-{suffix}", from_bucket = $"src-{suffix}", to_bucket = $"md5-out-{suffix}", create_destination = true, num_workers = 8 });
            Assert.Equal("Succeeded", md5.GetProperty("state").GetString());
            Assert.Equal(1000, md5.GetProperty("objects").GetInt64());
            Assert.Equal(3, md5.GetProperty("nodes").GetArrayLength());
            Assert.All(md5.GetProperty("nodes").EnumerateArray(), n => Assert.True(n.GetProperty("objects").GetInt64() > 0));

            var echo = await RunJobAsync(new { etl = $"echo-{suffix}", from_bucket = $"src-{suffix}", to_bucket = $"echo-out-{suffix}", create_destination = true });
            Assert.Equal("Succeeded", echo.GetProperty("state").GetString());

            Assert.Equal(names, await ListAsync($"md5-out-{suffix}"));
            Assert.Equal(names, await ListAsync($"echo-out-{suffix}"));
            for (var i = 0; i < 1000; i++) // every result, byte for byte
            {
                Assert.Equal(Convert.ToHexStringLower(MD5.HashData(Content(i))), System.Text.Encoding.ASCII.GetString(await GetAsync($"md5-out-{suffix}", names[i])));
                Assert.Equal(Content(i), await GetAsync($"echo-out-{suffix}", names[i]));
            }
            for (var i = 0; i < 10; i++) // ETL outputs carry the xxhash64 entity tag, not an MD5 (docs/API.md)
            {
                using var head = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, _etl.ObjectUri($"echo-out-{suffix}", names[i], "")));
                head.EnsureSuccessStatusCode();
                var checksum = head.Headers.GetValues(OaisHeaders.ChecksumValue).Single();
                Assert.Equal($"\"{checksum}-1\"", head.Headers.ETag!.Tag);
            }
        }
        finally
        {
            await _etl.DeleteAsync($"md5-{suffix}");
            await _etl.DeleteAsync($"echo-{suffix}");
        }
    }

    [Fact]
    public async Task Selection_by_prefix_list_and_template_with_ext_and_prepend_renames()
    {
        await FillAsync("sel-src", 40, i => i < 20 ? $"audio/{i:D3}.flac" : $"video/{i:D3}.mp4");
        await _etl.InitOkAsync(EtlHttp.Spec("echo-select", "hpush://", ["etl-host", "echo"]));
        try
        {
            var prefix = await RunJobAsync(new { etl = "echo-select", from_bucket = "sel-src", to_bucket = "sel-prefix", create_destination = true, prefix = "audio/", ext = new Dictionary<string, string> { ["flac"] = "wav" }, prepend = "out/" });
            Assert.Equal(20, prefix.GetProperty("objects").GetInt64());
            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"out/audio/{i:D3}.wav"), await ListAsync("sel-prefix"));
            Assert.Equal(Content(3), await GetAsync("sel-prefix", "out/audio/003.wav"));

            var list = await RunJobAsync(new { etl = "echo-select", from_bucket = "sel-src", to_bucket = "sel-list", create_destination = true, names = new[] { "audio/001.flac", "video/025.mp4" } });
            Assert.Equal(2, list.GetProperty("objects").GetInt64());
            Assert.Equal(["audio/001.flac", "video/025.mp4"], await ListAsync("sel-list"));

            var template = await RunJobAsync(new { etl = "echo-select", from_bucket = "sel-src", to_bucket = "sel-template", create_destination = true, template = "video/{020..038..2}.mp4" });
            Assert.Equal(10, template.GetProperty("objects").GetInt64());
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"video/{20 + 2 * i:D3}.mp4"), await ListAsync("sel-template"));
        }
        finally
        {
            await _etl.DeleteAsync("echo-select");
        }
    }

    [Fact]
    public async Task Dry_run_counts_and_writes_nothing_and_incremental_skips_what_is_done()
    {
        await FillAsync("dry-src", 25, i => $"d/{i:D2}");
        await _etl.InitOkAsync(EtlHttp.Spec("echo-dryrun", "hpush://", ["etl-host", "echo"]));
        try
        {
            var dry = await RunJobAsync(new { etl = "echo-dryrun", from_bucket = "dry-src", to_bucket = "dry-out", create_destination = true, dry_run = true });
            Assert.Equal("Succeeded", dry.GetProperty("state").GetString());
            Assert.Equal(25, dry.GetProperty("objects").GetInt64());
            Assert.Equal(Enumerable.Range(0, 25).Sum(i => (long)Content(i).Length), dry.GetProperty("bytes_in").GetInt64());
            using (var head = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(cluster.Endpoint, "/v1/buckets/dry-out"))))
                Assert.Equal(HttpStatusCode.NotFound, head.StatusCode); // not even the destination bucket

            var first = await RunJobAsync(new { etl = "echo-dryrun", from_bucket = "dry-src", to_bucket = "inc-out", create_destination = true, incremental = true });
            Assert.Equal(25, first.GetProperty("objects").GetInt64());
            await _etl.PutAsync("dry-src", "d/07", new ByteArrayContent([9, 9, 9])); // a new version of one source
            var second = await RunJobAsync(new { etl = "echo-dryrun", from_bucket = "dry-src", to_bucket = "inc-out", incremental = true });
            Assert.Equal(1, second.GetProperty("objects").GetInt64());
            Assert.Equal(24, second.GetProperty("skipped").GetInt64());
            Assert.Equal(new byte[] { 9, 9, 9 }, await GetAsync("inc-out", "d/07"));
        }
        finally
        {
            await _etl.DeleteAsync("echo-dryrun");
        }
    }

    [Fact]
    public async Task Continue_on_error_reports_exactly_the_failing_objects_and_without_it_the_job_fails()
    {
        await FillAsync("err-src", 60, i => i % 10 == 3 ? $"bad-{i:D2}" : $"good-{i:D2}");
        await _etl.InitOkAsync(EtlHttp.Spec("failing-etl", "hpush://", ["etl-host", "fail-on"],
            extra: new Dictionary<string, object> { ["env"] = new Dictionary<string, string> { ["FAIL_ON"] = "bad-" } }));
        try
        {
            var tolerant = await RunJobAsync(new { etl = "failing-etl", from_bucket = "err-src", to_bucket = "err-out", create_destination = true, continue_on_error = true });
            Assert.Equal("Succeeded", tolerant.GetProperty("state").GetString());
            var failed = tolerant.GetProperty("nodes").EnumerateArray()
                .SelectMany(n => n.GetProperty("errors").EnumerateArray().Select(e => (Name: e.GetProperty("name").GetString()!, Message: e.GetProperty("message").GetString()!)))
                .ToList();
            Assert.Equal(Enumerable.Range(0, 60).Where(i => i % 10 == 3).Select(i => $"bad-{i:D2}"), failed.Select(f => f.Name).Order());
            Assert.All(failed, f => Assert.Contains(f.Name, f.Message));
            Assert.Equal(54, tolerant.GetProperty("objects").GetInt64());
            Assert.DoesNotContain(await ListAsync("err-out"), n => n.StartsWith("bad-"));

            var strict = await RunJobAsync(new { etl = "failing-etl", from_bucket = "err-src", to_bucket = "err-strict", create_destination = true });
            Assert.Equal("Failed", strict.GetProperty("state").GetString());
            Assert.Contains("bad-", strict.GetProperty("reason").GetString());
        }
        finally
        {
            await _etl.DeleteAsync("failing-etl");
        }
    }

    [Fact]
    public async Task Abort_stops_the_work_on_every_silo()
    {
        await FillAsync("abort-src", 90, i => $"a/{i:D2}");
        // Each object takes a second, so the job is still running when it is aborted.
        await _etl.InitOkAsync(EtlHttp.Spec("slow-copy", "hpush://", ["etl-host", "exec", "--", "sh", "-c", "sleep 1; cat"]));
        try
        {
            using var start = await cluster.Http.PostAsJsonAsync(new Uri(cluster.Endpoint, "/v1/jobs/etl"),
                new { etl = "slow-copy", from_bucket = "abort-src", to_bucket = "abort-out", create_destination = true, num_workers = 1 });
            var id = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
            // Abort once the job has transformed something, so it is aborted in mid-run.
            await Waiting.WaitUntil(() => JobStatusAsync(id), s => s.GetProperty("objects").GetInt64() > 0, TimeSpan.FromSeconds(60),
                s => $"the job transformed nothing: {s}");
            using var abort = await cluster.Http.PostAsync(new Uri(cluster.Endpoint, $"/v1/jobs/{id}/abort"), null);
            Assert.Equal(HttpStatusCode.OK, abort.StatusCode);

            var status = await Waiting.WaitUntil(() => JobStatusAsync(id), s => !AnyNodeRunning(s), TimeSpan.FromSeconds(30),
                s => $"a silo still runs the aborted job: {s}");
            Assert.Equal("Aborted", status.GetProperty("state").GetString());
            Assert.All(status.GetProperty("nodes").EnumerateArray(), n => Assert.Equal("Aborted", n.GetProperty("state").GetString()));
            var done = status.GetProperty("objects").GetInt64();
            Assert.InRange(done, 1, 30);
            // That nothing keeps going can only be seen over time: a window longer than two objects' work, watched throughout.
            long later = done, listed = done;
            await Waiting.HoldsFor(async () =>
                {
                    later = (await JobStatusAsync(id)).GetProperty("objects").GetInt64();
                    listed = (await ListAsync("abort-out")).Count;
                    return later == done && listed == done;
                }, TimeSpan.FromSeconds(2.5),
                () => $"the aborted job kept going: {done} objects when every silo reported Aborted, then {later} reported and {listed} listed");
        }
        finally
        {
            await _etl.DeleteAsync("slow-copy");
        }
    }

    [Fact]
    public async Task Copy_transform_of_one_object_and_inspect_without_output()
    {
        await FillAsync("one-src", 12, i => i == 5 ? "bad-five" : $"ok-{i:D2}");
        await _etl.InitOkAsync(EtlHttp.Spec("upper-one", "hpush://", ["etl-host", "upper"]));
        await _etl.InitOkAsync(EtlHttp.Spec("inspect-etl", "ws://", ["etl-host", "fail-on"],
            extra: new Dictionary<string, object> { ["env"] = new Dictionary<string, string> { ["FAIL_ON"] = "bad" } }));
        try
        {
            await _etl.CreateBucketAsync("one-dst");
            using var copy = await cluster.Http.PostAsJsonAsync(new Uri(cluster.Endpoint, "/v1/etl/upper-one/copy"), new { from = "one-src/ok-03", to = "one-dst/renamed/UPPER" });
            Assert.True(copy.IsSuccessStatusCode, await copy.Content.ReadAsStringAsync());
            Assert.Equal(System.Text.Encoding.UTF8.GetString(Content(3)).ToUpperInvariant(), System.Text.Encoding.UTF8.GetString(await GetAsync("one-dst", "renamed/UPPER")));

            var inspect = await RunJobAsync(new { etl = "inspect-etl", from_bucket = "one-src", mode = "inspect", continue_on_error = true });
            Assert.Equal(11, inspect.GetProperty("objects").GetInt64());
            var errors = inspect.GetProperty("nodes").EnumerateArray().SelectMany(n => n.GetProperty("errors").EnumerateArray()).ToList();
            Assert.Equal("bad-five", Assert.Single(errors).GetProperty("name").GetString());
            Assert.Equal(["renamed/UPPER"], await ListAsync("one-dst")); // inspect kept nothing
        }
        finally
        {
            await _etl.DeleteAsync("upper-one");
            await _etl.DeleteAsync("inspect-etl");
        }
    }
}
