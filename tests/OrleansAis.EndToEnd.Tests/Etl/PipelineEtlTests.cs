using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrleansAis.Testing;
using OrleansAis.Tests;

namespace OrleansAis.EndToEnd.Tests.Etl;

/// <summary>
/// Three real silos with the pipeline tests' ETLs, started once for all of them: one per communicator, each a
/// built-in transformer that changes bytes its own way, so that every composition is checkable client-side.
/// </summary>
public sealed class PipelineEtlCluster() : ProcessEtlCluster(3)
{
    public const string Upper = "pl-upper-hpush";   // hpush, fqn: reads the object's file when it is the first stage
    public const string Sha256 = "pl-sha256-ws";
    public const string Md5 = "pl-md5-hrev";        // direct put: a job's last stage puts its result to the owner itself
    public const string Gzip = "pl-gzip-io";
    public const string Gunzip = "pl-gunzip-hpull";
    public const string FailOn = "pl-fail-on-ws";   // echo, except objects whose name contains its etl_args

    public EtlHttp Etl => field ??= new(Http, Endpoint);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Task.WhenAll(
            Etl.InitOkAsync(EtlHttp.Spec(Upper, "hpush://", ["etl-host", "upper"], argument: "fqn")),
            Etl.InitOkAsync(EtlHttp.Spec(Sha256, "ws://", ["etl-host", "sha256"])),
            Etl.InitOkAsync(EtlHttp.Spec(Md5, "hrev://", ["etl-host", "md5"], extra: new Dictionary<string, object> { ["support_direct_put"] = true })),
            Etl.InitOkAsync(EtlHttp.Spec(Gzip, "io://", ["etl-host", "gzip", "--stdio"])),
            Etl.InitOkAsync(EtlHttp.Spec(Gunzip, "hpull://", ["etl-host", "gunzip"])),
            Etl.InitOkAsync(EtlHttp.Spec(FailOn, "ws://", ["etl-host", "fail-on"])));
    }
}

/// <summary>
/// Pipelines (docs/ETL.md "Pipelines") on three real silos: inline (<c>etl_pipeline=a,b,c</c>, <c>etl_name=a&gt;&gt;b&gt;&gt;c</c>)
/// and offline (<c>"pipeline": [...]</c>), every result compared byte for byte with the stages applied here.
/// </summary>
public sealed class PipelineEtlTests(PipelineEtlCluster cluster) : IClassFixture<PipelineEtlCluster>
{
    private const string Upper = PipelineEtlCluster.Upper, Sha256 = PipelineEtlCluster.Sha256, Md5 = PipelineEtlCluster.Md5;
    private const string Gzip = PipelineEtlCluster.Gzip, Gunzip = PipelineEtlCluster.Gunzip, FailOn = PipelineEtlCluster.FailOn;

    private EtlHttp Etl => cluster.Etl;

    // The built-in transformers, applied client-side.
    private static byte[] ToUpper(byte[] data) => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(data).Select(char.ToUpperInvariant).ToArray());
    private static byte[] Sha256Hex(byte[] data) => Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData(data)));
    private static byte[] Md5Hex(byte[] data) => Encoding.ASCII.GetBytes(Convert.ToHexStringLower(MD5.HashData(data)));

    /// <summary><paramref name="size"/> characters of text in both cases, with some multi-byte ones (so a little more bytes).</summary>
    private static byte[] Text(int size, int seed)
    {
        var random = new Random(seed);
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \n.,;éßøж";
        return Encoding.UTF8.GetBytes(Enumerable.Range(0, size).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
    }

    private Task<HttpResponseMessage> GetAsync(string bucket, string name, string query) =>
        cluster.Http.GetAsync(Etl.ObjectUri(bucket, name, query), HttpCompletionOption.ResponseHeadersRead);

    private async Task<byte[]> GetOkAsync(string bucket, string name, string query)
    {
        using var response = await GetAsync(bucket, name, query);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {bucket}/{name}{query}: {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
        return body;
    }

    private static async Task<(HttpStatusCode Status, string Code, string Message)> ErrorOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        return (response.StatusCode, error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!);
    }

    [Fact]
    public async Task A_three_stage_pipeline_inline_equals_the_stages_applied_client_side_in_both_spellings()
    {
        await Etl.CreateBucketAsync("pl-inline");
        var objects = new Dictionary<string, byte[]> { ["empty"] = [], ["small.txt"] = Text(100, 1), ["big/3mib.txt"] = Text(3 << 20, 2) };
        foreach (var (name, data) in objects) await Etl.PutAsync("pl-inline", name, new ByteArrayContent(data));
        foreach (var (name, data) in objects)
        {
            var expected = Md5Hex(Sha256Hex(ToUpper(data)));
            Assert.Equal(expected, await GetOkAsync("pl-inline", name, $"?etl_pipeline={Upper},{Sha256},{Md5}"));
            Assert.Equal(expected, await GetOkAsync("pl-inline", name, $"?etl_name={Uri.EscapeDataString($"{Upper}>>{Sha256}>>{Md5}")}"));
            // The order matters, and the fqn ETL reads bytes, not the file, when it is not the first stage.
            Assert.Equal(ToUpper(Sha256Hex(data)), await GetOkAsync("pl-inline", name, $"?etl_pipeline={Sha256},{Upper}"));
        }
    }

    [Fact]
    public async Task A_pipeline_mixes_every_communicator_including_hpull_and_io_in_the_middle()
    {
        await Etl.CreateBucketAsync("pl-mix");
        var binary = PatternStream.Bytes(5_000_000, 7);
        var text = Text(1_500_000, 3);
        await Etl.PutAsync("pl-mix", "data.bin", new ByteArrayContent(binary));
        await Etl.PutAsync("pl-mix", "notes/text.txt", new ByteArrayContent(text));
        // io:// (gzip) >> hpull:// (gunzip: fetches its input from the silo) >> ws:// >> hrev://
        Assert.Equal(Md5Hex(Sha256Hex(binary)), await GetOkAsync("pl-mix", "data.bin", $"?etl_pipeline={Gzip},{Gunzip},{Sha256},{Md5}"));
        // hpush:// (fqn, first) >> io:// >> hpull:// >> hrev://: upper-cased, compressed, restored, hashed
        Assert.Equal(Md5Hex(ToUpper(text)), await GetOkAsync("pl-mix", "notes/text.txt", $"?etl_pipeline={Upper},{Gzip},{Gunzip},{Md5}"));
        // Stage outputs that are not text: the gzip stream itself reaches the caller intact.
        var compressed = await GetOkAsync("pl-mix", "notes/text.txt", $"?etl_pipeline={Upper},{Gzip}");
        using var gunzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var restored = new MemoryStream();
        await gunzip.CopyToAsync(restored);
        Assert.Equal(ToUpper(text), restored.ToArray());
    }

    [Fact]
    public async Task Each_stage_gets_its_own_etl_args_and_one_value_goes_to_every_stage()
    {
        await Etl.CreateBucketAsync("pl-args");
        var data = Text(2000, 4);
        await Etl.PutAsync("pl-args", "keep-me.txt", new ByteArrayContent(data));
        // fail-on refuses objects whose name contains its etl_args: the args tell which stage got which.
        var path = $"?etl_pipeline={FailOn},{Upper},{FailOn}";
        Assert.Equal(ToUpper(data), await GetOkAsync("pl-args", "keep-me.txt", path + "&etl_args=nomatch&etl_args=&etl_args=nomatch"));
        using (var first = await GetAsync("pl-args", "keep-me.txt", path + "&etl_args=keep&etl_args=&etl_args=nomatch"))
            Assert.Contains($"stage 1 of 3 (ETL '{FailOn}')", (await ErrorOf(first)).Message);
        using (var last = await GetAsync("pl-args", "keep-me.txt", path + "&etl_args=nomatch&etl_args=&etl_args=keep"))
            Assert.Contains($"stage 3 of 3 (ETL '{FailOn}')", (await ErrorOf(last)).Message);
        using (var all = await GetAsync("pl-args", "keep-me.txt", $"?etl_pipeline={Upper},{FailOn}&etl_args=keep"))
            Assert.Contains($"stage 2 of 2 (ETL '{FailOn}')", (await ErrorOf(all)).Message);
    }

    [Fact]
    public async Task A_failing_stage_is_named_with_the_object_in_the_error_of_an_inline_get()
    {
        await Etl.CreateBucketAsync("pl-fail");
        await Etl.PutAsync("pl-fail", "dir/bad-1.txt", new ByteArrayContent(Text(300_000, 5)));
        using var response = await GetAsync("pl-fail", "dir/bad-1.txt", $"?etl_pipeline={Upper},{FailOn},{Md5}&etl_args=&etl_args=bad&etl_args=");
        var (status, code, message) = await ErrorOf(response);
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("TransformFailed", code);
        Assert.Contains($"stage 2 of 3 (ETL '{FailOn}')", message);
        Assert.Contains("'pl-fail/dir/bad-1.txt'", message);
        Assert.Contains("its name contains 'bad'", message); // the transformer's own words
    }

    [Fact]
    public async Task Bad_pipeline_input_is_a_4xx_naming_the_problem()
    {
        await Etl.CreateBucketAsync("pl-bad");
        await Etl.PutAsync("pl-bad", "a.txt", new ByteArrayContent(Text(10, 6)));
        var nine = string.Join(',', Enumerable.Repeat(Upper, 9));
        var cases = new (string Query, HttpStatusCode Status, string Mentions)[]
        {
            ($"?etl_pipeline={Upper},Not_An_Etl", HttpStatusCode.BadRequest, "stage 2 of 2: name: 'Not_An_Etl'"),
            ($"?etl_pipeline={Upper},,{Md5}", HttpStatusCode.BadRequest, "stage 2 of 3: name: is required"),
            ($"?etl_pipeline={Upper},no-such-etl", HttpStatusCode.NotFound, "stage 2 of 2 (ETL 'no-such-etl')"),
            ($"?etl_pipeline={nine}", HttpStatusCode.BadRequest, "9 stages; a pipeline has 1 to 8"),
            ($"?etl_pipeline={Upper},{Md5}&etl_args=a&etl_args=b&etl_args=c", HttpStatusCode.BadRequest, "3 values for 2 pipeline stages"),
            ($"?etl_pipeline={Upper},{Md5}&etl_name={Upper}", HttpStatusCode.BadRequest, "give one etl_name or one etl_pipeline"),
        };
        foreach (var (query, expected, mentions) in cases)
        {
            using var response = await GetAsync("pl-bad", "a.txt", query);
            var (status, _, message) = await ErrorOf(response);
            Assert.True(status == expected && message.Contains(mentions), $"{query}: {(int)status} {message}");
        }
        var jobs = new (object Body, HttpStatusCode Status, string Mentions)[]
        {
            (new { pipeline = new[] { Upper, "no-such-etl" }, from_bucket = "pl-bad", to_bucket = "pl-bad-out", create_destination = true },
                HttpStatusCode.NotFound, "stage 2 of 2 (ETL 'no-such-etl')"),
            (new { etl = Upper, pipeline = new[] { Upper, Md5 }, from_bucket = "pl-bad", to_bucket = "pl-bad-out" }, HttpStatusCode.BadRequest, "exactly one"),
            (new { pipeline = new[] { Upper, Md5 }, pipeline_args = new[] { "a", "b", "c" }, from_bucket = "pl-bad", to_bucket = "pl-bad-out" },
                HttpStatusCode.BadRequest, "3 values for 2 pipeline stages"),
            (new { pipeline = Array.Empty<string>(), from_bucket = "pl-bad", to_bucket = "pl-bad-out" }, HttpStatusCode.BadRequest, "0 stages"),
        };
        foreach (var (body, expected, mentions) in jobs)
        {
            using var response = await Etl.StartJobAsync(body);
            var (status, _, message) = await ErrorOf(response);
            Assert.True(status == expected && message.Contains(mentions), $"{JsonSerializer.Serialize(body)}: {(int)status} {message}");
        }
    }

    [Fact]
    public async Task A_three_stage_pipeline_job_produces_every_object_byte_exact_and_incremental_runs_redo_only_a_changed_pipeline()
    {
        await Etl.CreateBucketAsync("pl-job-src");
        var sources = Enumerable.Range(0, 30).ToDictionary(i => $"shard/{i:D2}.txt", i => Text(i * 997, 100 + i));
        await Parallel.ForEachAsync(sources, async (o, _) => await Etl.PutAsync("pl-job-src", o.Key, new ByteArrayContent(o.Value)));

        var body = new { pipeline = new[] { Upper, Sha256, Md5 }, from_bucket = "pl-job-src", to_bucket = "pl-job-dst", create_destination = true, incremental = true };
        var job = await Etl.RunJobAsync(body);
        Assert.Equal("Succeeded", job.GetProperty("state").GetString());
        Assert.Equal(30, job.GetProperty("objects").GetInt64());
        Assert.All(job.GetProperty("nodes").EnumerateArray(), n => Assert.True(n.GetProperty("objects").GetInt64() > 0, $"a silo did no work: {job}"));
        Assert.Equal($"{Upper}>>{Sha256}>>{Md5}", job.GetProperty("request").GetProperty("etl").GetString());
        Assert.Equal(3, job.GetProperty("request").GetProperty("pipeline").GetArrayLength());
        foreach (var (name, data) in sources)
            Assert.Equal(Md5Hex(Sha256Hex(ToUpper(data))), await cluster.Http.GetByteArrayAsync(Etl.ObjectUri("pl-job-dst", name, "")));

        var again = await Etl.RunJobAsync(body);
        Assert.Equal((0L, 30L), (again.GetProperty("objects").GetInt64(), again.GetProperty("skipped").GetInt64()));

        // Another pipeline is another producer: every destination is made again, from the new stages.
        var changed = await Etl.RunJobAsync(body with { pipeline = new[] { Upper, Md5 } });
        Assert.Equal((30L, 0L), (changed.GetProperty("objects").GetInt64(), changed.GetProperty("skipped").GetInt64()));
        foreach (var (name, data) in sources)
            Assert.Equal(Md5Hex(ToUpper(data)), await cluster.Http.GetByteArrayAsync(Etl.ObjectUri("pl-job-dst", name, "")));
    }

    [Fact]
    public async Task A_job_reports_the_failing_stage_and_object_and_writes_nothing_for_it()
    {
        await Etl.CreateBucketAsync("pl-jerr-src");
        var names = Enumerable.Range(0, 12).Select(i => i % 4 == 0 ? $"bad-{i}.txt" : $"good-{i}.txt").ToList();
        foreach (var name in names) await Etl.PutAsync("pl-jerr-src", name, new ByteArrayContent(Text(50_000 + names.IndexOf(name), 200)));
        var job = await Etl.RunJobAsync(new
        {
            pipeline = new[] { Upper, FailOn, Gzip }, pipeline_args = new[] { "", "bad", "" }, from_bucket = "pl-jerr-src", to_bucket = "pl-jerr-dst",
            create_destination = true, continue_on_error = true,
        });
        Assert.Equal((9L, 3L), (job.GetProperty("objects").GetInt64(), job.GetProperty("errors").GetInt64()));
        var errors = job.GetProperty("nodes").EnumerateArray().SelectMany(n => n.GetProperty("errors").EnumerateArray()).ToList();
        Assert.Equal(names.Where(n => n.StartsWith("bad-")).Order(), errors.Select(e => e.GetProperty("name").GetString()!).Order());
        Assert.All(errors, e => Assert.Contains($"stage 2 of 3 (ETL '{FailOn}') failed on 'pl-jerr-src/{e.GetProperty("name").GetString()}'",
            e.GetProperty("message").GetString()));
        foreach (var name in names)
        {
            using var response = await cluster.Http.GetAsync(Etl.ObjectUri("pl-jerr-dst", name, ""));
            Assert.Equal(name.StartsWith("bad-") ? HttpStatusCode.NotFound : HttpStatusCode.OK, response.StatusCode);
        }
    }
}
