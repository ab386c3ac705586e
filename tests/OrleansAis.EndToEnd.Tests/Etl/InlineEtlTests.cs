using System.Net;
using System.Security.Cryptography;
using System.Text;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Tests;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Etl;

/// <summary>
/// Inline transforms (GET ?etl_name=) through every communicator with the built-in transformers, transformers running
/// as local processes next to one real silo. <see cref="DockerInlineEtlTests"/> runs the same against containers.
/// </summary>
public abstract class InlineEtlTestsBase(SiloCluster cluster)
{
    // Created on first use: a cluster whose runtime is missing has no silos, and its tests skip before using it.
    protected EtlHttp Etl => field ??= new(cluster.Http, cluster.Endpoint);

    /// <summary>Skips (or fails, when required) tests whose runtime is not available on this machine.</summary>
    protected virtual void RequireRuntime() { }

    /// <summary>The spec for a built-in transformer on this runtime.</summary>
    protected abstract string Spec(string name, string communication, string[] etlHostArgs, string argument = "", IReadOnlyDictionary<string, object>? extra = null);

    public static TheoryData<string> Communicators => new() { "hpush://", "hpull://", "hrev://", "io://", "ws://" };

    private static string[] Builtin(string communication, string transformer) =>
        communication == "io://" ? [transformer, "--stdio"] : [transformer];

    private static string EtlName(string prefix, string communication) => $"{prefix}-{communication[..^3]}";

    [SkippableTheory]
    [MemberData(nameof(Communicators))]
    public async Task Echo_is_byte_exact_for_0_B_1_B_1_MiB_and_64_MiB(string communication)
    {
        RequireRuntime();
        var name = EtlName("echo", communication);
        await Etl.CreateBucketAsync("etl-echo");
        await Etl.InitOkAsync(Spec(name, communication, Builtin(communication, "echo")));
        try
        {
            foreach (var size in new long[] { 0, 1, 1 << 20, 64 << 20 })
            {
                var objectName = $"{communication[..^3]}/size-{size}";
                await Etl.PutAsync("etl-echo", objectName, new StreamContent(new PatternStream(size, (ulong)size + 3)));
                using var response = await Etl.GetTransformedAsync("etl-echo", objectName, name);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{communication} {size}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                var verifier = new PatternVerifier((ulong)size + 3);
                await (await response.Content.ReadAsStreamAsync()).CopyToAsync(verifier);
                Assert.Equal(size, verifier.Written);
                Assert.Equal(-1, verifier.FirstMismatch);
            }
        }
        finally
        {
            await Etl.DeleteAsync(name);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Communicators))]
    public async Task Md5_equals_the_digest_of_the_raw_object(string communication)
    {
        RequireRuntime();
        var name = EtlName("md5", communication);
        await Etl.CreateBucketAsync("etl-md5");
        var content = PatternStream.Bytes(3_000_000, 11);
        await Etl.PutAsync("etl-md5", "data.bin", new ByteArrayContent(content));
        await Etl.InitOkAsync(Spec(name, communication, Builtin(communication, "md5")));
        try
        {
            using var response = await Etl.GetTransformedAsync("etl-md5", "data.bin", name);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(content)), (await response.Content.ReadAsStringAsync()).Trim());
        }
        finally
        {
            await Etl.DeleteAsync(name);
        }
    }

    [SkippableTheory]
    [InlineData("hpush://")]
    [InlineData("hpull://")]
    [InlineData("hrev://")]
    [InlineData("ws://")]
    [InlineData("io://")]
    public async Task Etl_args_reach_the_transformer(string communication)
    {
        RequireRuntime();
        var name = EtlName("args", communication);
        await Etl.CreateBucketAsync("etl-args");
        await Etl.PutAsync("etl-args", "o", new ByteArrayContent([1, 2, 3]));
        await Etl.InitOkAsync(Spec(name, communication, Builtin(communication, "args")));
        try
        {
            using var response = await Etl.GetTransformedAsync("etl-args", "o", name, "quality=90&size=small");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("quality=90&size=small", await response.Content.ReadAsStringAsync());
        }
        finally
        {
            await Etl.DeleteAsync(name);
        }
    }

    [SkippableTheory]
    [InlineData("hpush://")]
    [InlineData("hpull://")]
    [InlineData("hrev://")]
    [InlineData("ws://")]
    public async Task Fqn_mode_reads_the_object_from_the_local_disk(string communication)
    {
        RequireRuntime();
        var name = EtlName("fqn", communication);
        await Etl.CreateBucketAsync("etl-fqn");
        var content = PatternStream.Bytes(2_000_000, 5);
        await Etl.PutAsync("etl-fqn", "f.bin", new ByteArrayContent(content));
        await Etl.InitOkAsync(Spec(name, communication, ["echo"], argument: "fqn"));
        try
        {
            using var response = await Etl.GetTransformedAsync("etl-fqn", "f.bin", name);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        }
        finally
        {
            await Etl.DeleteAsync(name);
        }
    }

    [SkippableTheory]
    [InlineData("hpush://")]
    [InlineData("ws://")]
    [InlineData("io://")]
    public async Task A_transformer_error_is_a_5xx_carrying_its_message(string communication)
    {
        RequireRuntime();
        var name = EtlName("fails", communication);
        await Etl.CreateBucketAsync("etl-fail");
        await Etl.PutAsync("etl-fail", "bad-object", new ByteArrayContent([1]));
        await Etl.PutAsync("etl-fail", "good-object", new ByteArrayContent([2]));
        await Etl.InitOkAsync(Spec(name, communication, Builtin(communication, "fail-on"), extra: new Dictionary<string, object> { ["env"] = new Dictionary<string, string> { ["FAIL_ON"] = "bad" } }));
        try
        {
            using var bad = await Etl.GetTransformedAsync("etl-fail", "bad-object", name);
            Assert.Equal(HttpStatusCode.InternalServerError, bad.StatusCode);
            Assert.Contains("bad-object", await bad.Content.ReadAsStringAsync());
            using var good = await Etl.GetTransformedAsync("etl-fail", "good-object", name);
            Assert.Equal(HttpStatusCode.OK, good.StatusCode);
            Assert.Equal(new byte[] { 2 }, await good.Content.ReadAsByteArrayAsync());
        }
        finally
        {
            await Etl.DeleteAsync(name);
        }
    }

    [SkippableFact]
    public async Task Obj_timeout_is_a_504()
    {
        RequireRuntime();
        const string name = "slow-transformer";
        await Etl.CreateBucketAsync("etl-slow");
        await Etl.PutAsync("etl-slow", "o", new ByteArrayContent([1]));
        await Etl.InitOkAsync(Spec(name, "hpush://", ["exec", "--", "sleep", "10"], extra: new Dictionary<string, object> { ["obj_timeout"] = "1s" }));
        try
        {
            using var response = await Etl.GetTransformedAsync("etl-slow", "o", name);
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.Contains("obj_timeout", await response.Content.ReadAsStringAsync());
        }
        finally
        {
            await Etl.DeleteAsync(name);
        }
    }

    [SkippableFact]
    public async Task Unknown_stopped_and_invalid_etls_are_clear_4xx()
    {
        RequireRuntime();
        await Etl.CreateBucketAsync("etl-errors");
        await Etl.PutAsync("etl-errors", "o", new ByteArrayContent([1]));

        using (var unknown = await Etl.GetTransformedAsync("etl-errors", "o", "no-such-etl"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Contains("no-such-etl", await unknown.Content.ReadAsStringAsync());
        }
        using (var badName = await Etl.GetTransformedAsync("etl-errors", "o", "Bad_Name"))
            Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);

        using (var invalid = await Etl.InitAsync("""{"name":"ok-name","communication":"carrier-pigeon://","runtime":{"command":["x"]}}"""))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            Assert.Contains("communication", await invalid.Content.ReadAsStringAsync());
        }

        const string name = "stopped-echo";
        await Etl.InitOkAsync(Spec(name, "hpush://", ["echo"]));
        try
        {
            using (var stop = await cluster.Http.PostAsync(new Uri(cluster.Endpoint, $"/v1/etl/{name}/stop"), null))
                Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
            using (var stopped = await Etl.GetTransformedAsync("etl-errors", "o", name))
            {
                Assert.Equal(HttpStatusCode.Conflict, stopped.StatusCode);
                Assert.Contains("aborted", await stopped.Content.ReadAsStringAsync());
            }
            using (var start = await cluster.Http.PostAsync(new Uri(cluster.Endpoint, $"/v1/etl/{name}/start"), null))
                Assert.Equal(HttpStatusCode.OK, start.StatusCode);
            using var again = await Etl.GetTransformedAsync("etl-errors", "o", name);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        finally
        {
            await Etl.DeleteAsync(name);
        }
    }

    /// <summary>Kills this runtime's transformer of the ETL (the process, or the container).</summary>
    protected abstract Task KillTransformerAsync(string etlName);

    // io:// has no long-lived transformer to kill: its per-object process failing is the error test above.
    [SkippableTheory]
    [InlineData("hpush://")]
    [InlineData("hpull://")]
    [InlineData("hrev://")]
    [InlineData("ws://")]
    public async Task A_transformer_killed_mid_request_gives_a_clean_error_then_recovers(string communication)
    {
        RequireRuntime();
        var name = EtlName("crashing", communication);
        await Etl.CreateBucketAsync("etl-crash");
        const long size = 256L << 20;
        await Etl.PutAsync("etl-crash", "big", new StreamContent(new PatternStream(size, 9)));
        await Etl.InitOkAsync(Spec(name, communication, ["echo"]));
        try
        {
            using (var response = await Etl.GetTransformedAsync("etl-crash", "big", name))
            {
                var body = await response.Content.ReadAsStreamAsync();
                var buffer = new byte[1 << 20];
                await body.ReadExactlyAsync(buffer); // the response is under way
                await KillTransformerAsync(name);
                // The body must not end as if complete: either the read fails or fewer bytes than the object arrive.
                long received = buffer.Length;
                var failed = false;
                try
                {
                    int n;
                    while ((n = await body.ReadAsync(buffer)) > 0) received += n;
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    failed = true;
                }
                Assert.True(failed || received < size, $"a truncated body ({received} of {size} bytes) ended like a complete one");
            }

            // The worker restarts the transformer; requests work again.
            await Etl.PutAsync("etl-crash", "small", new ByteArrayContent([4, 2]));
            var back = await Waiting.WaitUntil(async () =>
                {
                    HttpResponseMessage retry;
                    try
                    {
                        retry = await Etl.GetTransformedAsync("etl-crash", "small", name);
                    }
                    catch (HttpRequestException) when (communication == "hpull://")
                    {
                        // hpull redirects the client to the transformer; a redirect issued just before the silo noticed
                        // the crash finds nobody listening.
                        return null;
                    }
                    using var _ = retry;
                    var body = await retry.Content.ReadAsByteArrayAsync();
                    Assert.True(retry.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable,
                        $"while restarting: {(int)retry.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
                    return retry.StatusCode == HttpStatusCode.OK ? body : null;
                },
                body => body is not null, TimeSpan.FromSeconds(30), _ => "the transformer did not come back", TimeSpan.FromMilliseconds(200));
            Assert.Equal(new byte[] { 4, 2 }, back);
            var view = await Etl.ViewAsync(name);
            Assert.Equal("Running", view.GetProperty("stage").GetString());
            Assert.True(view.GetProperty("nodes")[0].GetProperty("restarts").GetInt32() >= 1);
        }
        finally
        {
            await Etl.DeleteAsync(name);
        }
    }
}

public sealed class DockerInlineEtlTests(DockerEtlCluster cluster) : InlineEtlTestsBase(cluster), IClassFixture<DockerEtlCluster>
{
    protected override void RequireRuntime() => DockerRequirement.SkipUnlessAvailable();

    protected override string Spec(string name, string communication, string[] etlHostArgs, string argument = "", IReadOnlyDictionary<string, object>? extra = null) =>
        EtlHttp.Spec(name, communication, ["etl-host", .. etlHostArgs], argument, extra, image: DockerRequirement.Image);

    protected override Task KillTransformerAsync(string etlName)
    {
        var (code, output) = DockerRequirement.Run("ps", "-q", "--filter", $"label=oais.etl={etlName}");
        Assert.True(code == 0 && output.Length > 0, $"no container of ETL '{etlName}': {output}");
        foreach (var id in output.Split('\n', StringSplitOptions.RemoveEmptyEntries)) DockerRequirement.Run("kill", id);
        return Task.CompletedTask;
    }
}

public sealed class ProcessInlineEtlTests(ProcessEtlCluster cluster) : InlineEtlTestsBase(cluster), IClassFixture<ProcessEtlCluster>
{
    protected override string Spec(string name, string communication, string[] etlHostArgs, string argument = "", IReadOnlyDictionary<string, object>? extra = null) =>
        EtlHttp.Spec(name, communication, ["etl-host", .. etlHostArgs], argument, extra);

    protected override Task KillTransformerAsync(string etlName) => TransformerProcesses.KillAsync(etlName);

    [Fact]
    public async Task A_spec_that_only_names_an_image_is_refused_on_a_silo_without_docker()
    {
        using var response = await Etl.InitAsync("""{"name":"image-only","runtime":{"image":"oais/etl-host:latest"}}""");
        Assert.False(response.IsSuccessStatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("runtime.command", text);
        Assert.Contains("Docker", text);
        await Etl.DeleteAsync("image-only");
    }
}

/// <summary>
/// Finds transformer processes by the ETL_NAME the silo puts in their environment, among those of this test host's own
/// silos only (OAIS_NODE_ID is one of <see cref="SiloProcess.NodeIdsOfThisRun"/>): another run on the machine may
/// use the same ETL names, and its transformers are not this run's to kill or count.
/// </summary>
internal static class TransformerProcesses
{
    public static Task KillAsync(string etlName)
    {
        var killed = 0;
        foreach (var pid in Find(etlName))
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
                killed++;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // gone meanwhile
            }
        }
        Assert.True(killed > 0, $"no transformer process of ETL '{etlName}' found");
        return Task.CompletedTask;
    }

    public static bool Running(string etlName) => Find(etlName).Any();

    /// <summary>Whether a transformer of the ETL started by node <paramref name="nodeId"/> is running.</summary>
    public static bool RunningOn(string etlName, string nodeId) => Find(etlName, nodeId).Any();

    private static IEnumerable<int> Find(string etlName, string? nodeId = null)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string environ;
            try
            {
                environ = File.ReadAllText(Path.Combine(dir, "environ"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // gone meanwhile, or not ours to read
            }
            var variables = environ.Split('\0');
            if (!variables.Contains("ETL_NAME=" + etlName)) continue;
            var node = variables.FirstOrDefault(v => v.StartsWith("OAIS_NODE_ID=", StringComparison.Ordinal))?["OAIS_NODE_ID=".Length..];
            if (node is not null && SiloProcess.NodeIdsOfThisRun.ContainsKey(node) && (nodeId is null || node == nodeId)) yield return pid;
        }
    }
}
