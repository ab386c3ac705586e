using OrleansAis.ClusterScript;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OrleansAis.EndToEnd.Tests.Etl;
using OrleansAis.Testing;
using Xunit.Abstractions;

namespace OrleansAis.EndToEnd.Tests.Reliability;

/// <summary>
/// The status endpoints between a <c>kill -9</c> and its detection, when every grain call to the dead silo is rejected
/// or hangs: each answers 200, and <c>/v1/cluster</c> marks the dead node unreachable instead of failing the page.
/// </summary>
public sealed class StatusDuringNodeLossTests(ITestOutputHelper output)
{
    private const string Etl = "status-echo";

    /// <summary>
    /// Detection is kept slow enough (about 6 s) that the window is long enough to poll in; a shorter per-node timeout
    /// than Orleans' 30 s response timeout, so a call to a silo that accepts no packets ends within it.
    /// </summary>
    private static readonly string[] SiloArgs =
    [
        "--Membership:ProbeTimeout=00:00:03", "--Membership:NumMissedProbesLimit=2", "--Etl:Runtime=process",
        "--Status:NodeTimeout=00:00:02",
    ];


    [RedisFact]
    public async Task Status_endpoints_answer_200_and_mark_the_dead_node_until_it_is_declared_dead()
    {
        RedisAvailability.EnsureAvailable();
        await using var cluster = await ScriptedCluster.StartAsync(3, SiloArgs);
        var nodes = cluster.Nodes;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var etl = new EtlHttp(http, nodes[0].HttpUrl);
        await etl.CreateBucketAsync("status-src");
        await etl.PutAsync("status-src", "a", new StringContent("hello"));
        await etl.InitOkAsync(EtlHttp.Spec(Etl, "hpush://", ["etl-host", "echo"]));
        using var job = await http.PostAsync(new Uri(nodes[0].HttpUrl, "/v1/jobs/etl"),
            new StringContent($$"""{"etl":"{{Etl}}","from_bucket":"status-src","to_bucket":"status-dst","create_destination":true}"""));
        var jobBody = await job.Content.ReadAsStringAsync();
        Assert.True(job.IsSuccessStatusCode, $"job start: {(int)job.StatusCode} {jobBody}");
        var jobId = JsonDocument.Parse(jobBody).RootElement.GetProperty("id").GetString();
        // The hard case: the silo that hosts the ETL registry (it logs each init) dies, and another is asked.
        var victim = await Waiting.WaitUntil(() => Task.FromResult(nodes.FirstOrDefault(n => LogContains(n, $"Initializing ETL {Etl}"))),
            n => n is not null, TimeSpan.FromSeconds(10), _ => "no silo logged the ETL's init") ?? throw new InvalidOperationException();
        var survivor = nodes.First(n => n != victim);
        output.WriteLine($"the ETL registry runs on {victim.NodeId}; killing it, polling {survivor.NodeId}");
        string[] paths = ["/v1/cluster", "/v1/etl", $"/v1/etl/{Etl}", "/v1/jobs", $"/v1/jobs/{jobId}", "/metrics"];
        foreach (var path in paths)
        {
            using var before = await http.GetAsync(new Uri(survivor.HttpUrl, path));
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        output.WriteLine(await cluster.KillAsync(victim));
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        var markedUnreachable = 0;
        var fromStoredState = 0;
        var polls = 0;
        // Until the survivor no longer lists the victim (declared dead), every status page must answer 200.
        await Waiting.WaitUntil(async () =>
        {
            polls++;
            var victimListed = false;
            foreach (var path in paths)
            {
                var started = clock.Elapsed;
                try
                {
                    using var response = await http.GetAsync(new Uri(survivor.HttpUrl, path));
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Add($"{started.TotalSeconds:F1} s {path}: {(int)response.StatusCode} '{Shorten(body)}'");
                        if (path == "/v1/cluster") victimListed = true;
                        continue;
                    }
                    if (path == $"/v1/etl/{Etl}" && JsonDocument.Parse(body).RootElement.TryGetProperty("degraded", out var degraded)
                        && degraded.ValueKind == JsonValueKind.String)
                        fromStoredState++;
                    if (path != "/v1/cluster") continue;
                    var victimNode = JsonDocument.Parse(body).RootElement.GetProperty("nodes").EnumerateArray()
                        .Where(n => n.GetProperty("node_id").GetString() == victim.NodeId).ToList();
                    victimListed = victimNode.Count > 0;
                    if (victimListed && victimNode[0].GetProperty("state").GetString() == "unreachable")
                    {
                        markedUnreachable++;
                        Assert.False(string.IsNullOrEmpty(victimNode[0].GetProperty("error").GetString()), body);
                    }
                }
                catch (HttpRequestException e)
                {
                    failures.Add($"{started.TotalSeconds:F1} s {path}: {e.Message}");
                    victimListed = true;
                }
            }
            return !victimListed;
        }, TimeSpan.FromSeconds(60), () => $"{victim.NodeId} still listed by {survivor.NodeId} 60 s after the kill", TimeSpan.FromMilliseconds(100));
        output.WriteLine($"{victim.NodeId} declared dead after {clock.Elapsed.TotalSeconds:F1} s; {polls} polls of {paths.Length} pages, " +
                         $"{markedUnreachable} /v1/cluster answers marked it unreachable, {fromStoredState} ETL views read from stored state");
        Assert.True(failures.Count == 0, $"{failures.Count} status answers were not 200 during the node loss:\n{string.Join('\n', failures)}");
        Assert.True(markedUnreachable > 0, "no /v1/cluster answer during the node loss marked the killed node unreachable");
        Assert.True(fromStoredState > 0, "no ETL view during the loss of the registry's silo said it was read from stored state");

        // After detection the pages are whole again and the dead node is gone from the cluster view.
        foreach (var path in paths)
        {
            using var after = await http.GetAsync(new Uri(survivor.HttpUrl, path));
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }
    }

    private static bool LogContains(ScriptedNode node, string text)
    {
        using var stream = new FileStream(node.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd().Contains(text, StringComparison.Ordinal);
    }

    private static string Shorten(string body) => body.Length <= 300 ? body : body[..300] + "...";
}
