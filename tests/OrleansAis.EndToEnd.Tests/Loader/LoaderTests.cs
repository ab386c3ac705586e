using System.Net;
using System.Text.Json;

namespace OrleansAis.EndToEnd.Tests.Loader;

/// <summary>
/// oais-loader against three real silos: the report's counts must match what the cluster saw (store counters summed
/// over every silo's /metrics, bucket listings), verification must catch wrong content, cleanup must clean.
/// </summary>
public sealed partial class LoaderTests(LoaderCluster cluster) : IClassFixture<LoaderCluster>
{
    [Fact]
    public async Task The_report_counts_match_the_store_counters_and_the_listing()
    {
        var putsBefore = await cluster.StoreOperationsAsync("put");
        var getsBefore = await cluster.StoreOperationsAsync("get");

        var run = await LoaderProcess.RunAsync(cluster.Endpoints, "--bucket", "loader-counts", "--duration", "4s", "--workers", "4",
            "--size", "4KiB", "--pct-put", "50", "--objects", "50", "--verify", "--json", "--stats-interval", "1s");

        Assert.True(run.ExitCode == 0, run.ToString());
        var (puts, gets) = (run.Count("put"), run.Count("get"));
        Assert.True(puts > 0 && gets > 0, run.ToString());
        Assert.Equal(0, run.Errors("put") + run.Errors("get"));
        Assert.Equal(50, run.Prefilled); // reads from an empty bucket: the whole set is written first
        Assert.Equal(puts * 4096, run.Operation("put").GetProperty("bytes").GetInt64());

        // Every PUT the loader counted (prefill included) is one store write on some silo, every GET one read.
        Assert.Equal(putsBefore + run.Prefilled + puts, await cluster.StoreOperationsSettledAsync("put", putsBefore + run.Prefilled + puts));
        Assert.Equal(getsBefore + gets, await cluster.StoreOperationsSettledAsync("get", getsBefore + gets));

        var listed = await cluster.ListAsync("loader-counts");
        Assert.Equal(run.Report.GetProperty("objects_written").GetInt64(), listed.Count);
        Assert.Equal(50, listed.Distinct().Count());
        Assert.All(listed, name => Assert.Matches(@"^loader-\d+$", name));

        var verification = run.Report.GetProperty("verification");
        Assert.Equal("xxhash64", verification.GetProperty("method").GetString());
        Assert.Equal(gets, verification.GetProperty("verified").GetInt64());
        Assert.Equal(0, verification.GetProperty("wrong_reads").GetInt64());
        Assert.Contains("PUT op/s", run.Stderr); // live progress went to stderr, not into the JSON
    }

    [Fact]
    public async Task A_max_ops_run_does_exactly_that_many_operations()
    {
        var putsBefore = await cluster.StoreOperationsAsync("put");

        var run = await LoaderProcess.RunAsync(cluster.Endpoints, "--bucket", "loader-max-ops", "--max-ops", "123", "--workers", "4",
            "--min-size", "1KiB", "--max-size", "8KiB", "--pct-put", "30", "--objects", "40", "--verify", "--json", "--stats-interval", "0");

        Assert.True(run.ExitCode == 0, run.ToString());
        var (puts, gets) = (run.Count("put"), run.Count("get"));
        Assert.Equal(123, puts + gets);
        Assert.Equal(123, run.Report.GetProperty("total").GetProperty("count").GetInt64());
        Assert.Equal(putsBefore + run.Prefilled + puts, await cluster.StoreOperationsSettledAsync("put", putsBefore + run.Prefilled + puts));
        var putBytes = run.Operation("put").GetProperty("bytes").GetInt64();
        Assert.InRange(putBytes, puts * 1024, puts * 8192);
        Assert.Equal(gets, run.Report.GetProperty("verification").GetProperty("verified").GetInt64());
        var latency = run.Operation("get").GetProperty("latency_ms");
        Assert.True(latency.GetProperty("min").GetDouble() <= latency.GetProperty("p50").GetDouble());
        Assert.True(latency.GetProperty("p50").GetDouble() <= latency.GetProperty("p99").GetDouble());
        Assert.True(latency.GetProperty("p99").GetDouble() <= latency.GetProperty("max").GetDouble());
    }

    [Fact]
    public async Task Cleanup_deletes_what_the_run_wrote_and_a_bucket_it_created()
    {
        await cluster.CreateBucketAsync("loader-cleanup");
        var run = await LoaderProcess.RunAsync(cluster.Endpoints, "--bucket", "loader-cleanup", "--max-ops", "40", "--workers", "4",
            "--size", "2KiB", "--pct-put", "100", "--objects", "30", "--cleanup", "--json", "--stats-interval", "0");

        Assert.True(run.ExitCode == 0, run.ToString());
        var cleanup = run.Report.GetProperty("cleanup");
        Assert.True(run.Report.GetProperty("objects_written").GetInt64() > 0);
        Assert.Equal(run.Report.GetProperty("objects_written").GetInt64(), cleanup.GetProperty("deleted").GetInt64());
        Assert.Empty(await cluster.ListAsync("loader-cleanup"));
        Assert.True(await cluster.BucketExistsAsync("loader-cleanup")); // not the loader's bucket: kept

        var own = await LoaderProcess.RunAsync(cluster.Endpoints, "--bucket", "loader-own-bucket", "--max-ops", "10", "--workers", "2",
            "--size", "1KiB", "--pct-put", "100", "--objects", "5", "--cleanup", "--json", "--stats-interval", "0");
        Assert.True(own.ExitCode == 0, own.ToString());
        Assert.True(own.Report.GetProperty("cleanup").GetProperty("bucket_deleted").GetBoolean(), own.ToString());
        Assert.False(await cluster.BucketExistsAsync("loader-own-bucket"));
    }

    [Fact]
    public async Task Verification_reports_every_wrong_read_and_fails_the_run()
    {
        await cluster.CreateBucketAsync("loader-wrong");
        using var content = new ByteArrayContent("not what the checksum says"u8.ToArray());
        content.Headers.Add("X-Oais-Meta-Loader-Xxh64", "0123456789abcdef");
        using (var put = await cluster.Http.PutAsync(new Uri(cluster.Endpoint, "/v1/objects/loader-wrong/w-0"), content))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var run = await LoaderProcess.RunAsync(cluster.Endpoints, "--bucket", "loader-wrong", "--prefix", "w-", "--objects", "1",
            "--max-ops", "5", "--workers", "2", "--pct-put", "0", "--verify", "--json", "--stats-interval", "0");

        Assert.Equal(1, run.ExitCode);
        var wrong = run.Report.GetProperty("wrong_reads").EnumerateArray().ToList();
        Assert.Equal(5, wrong.Count);
        Assert.All(wrong, w =>
        {
            Assert.Equal("w-0", w.GetProperty("object").GetString());
            Assert.Equal("WrongContent", w.GetProperty("kind").GetString());
            Assert.Contains("0123456789abcdef", w.GetProperty("detail").GetString());
        });
        Assert.Equal(5, run.Operation("get").GetProperty("errors_by_kind").GetProperty("WrongContent").GetInt64());
        Assert.Equal(0, run.Prefilled); // the object existed: no prefill
    }

    [Fact]
    public async Task A_missing_bucket_with_no_create_fails_setup()
    {
        var run = await LoaderProcess.RunAsync(cluster.Endpoints, "--bucket", "loader-absent", "--no-create", "--max-ops", "5", "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("does not exist", run.Report.GetProperty("setup_error").GetString());
        Assert.False(await cluster.BucketExistsAsync("loader-absent"));
    }

    [Fact]
    public async Task Bad_flags_exit_with_the_usage_code()
    {
        var run = await LoaderProcess.RunAsync(cluster.Endpoints, "--bucket", "b", "--pct-put", "101");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--pct-put", run.Stderr);
    }

    [Fact]
    public async Task A_builtin_md5_etl_is_started_verified_against_the_originals_and_removed()
    {
        var run = await LoaderProcess.RunAsync(cluster.Endpoints, "--bucket", "loader-etl", "--max-ops", "60", "--workers", "4",
            "--size", "4KiB", "--pct-put", "50", "--objects", "20", "--etl-builtin", "md5", "--comm", "hpush", "--verify", "--json",
            "--stats-interval", "0");

        Assert.True(run.ExitCode == 0, run.ToString());
        var gets = run.Count("get");
        Assert.True(gets > 0, run.ToString());
        var verification = run.Report.GetProperty("verification");
        Assert.Equal("md5", verification.GetProperty("method").GetString());
        Assert.Equal(gets, verification.GetProperty("verified").GetInt64());
        var etl = run.Report.GetProperty("etl");
        Assert.Equal("loader-md5-hpush", etl.GetProperty("name").GetString());
        Assert.True(etl.GetProperty("created").GetBoolean() && etl.GetProperty("deleted").GetBoolean(), run.ToString());
        using var view = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, "/v1/etl/loader-md5-hpush"));
        Assert.Equal(HttpStatusCode.NotFound, view.StatusCode);
    }
}
