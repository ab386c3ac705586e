using OrleansAis.ClusterScript;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OrleansAis.Tests;
using Xunit.Abstractions;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Reliability;

/// <summary>
/// Crash a silo (kill -9) of a real three-process cluster on Redis membership while writers PUT to every silo, bring
/// it back with the same node id and data, then prove that every acknowledged PUT is there byte for byte, that the
/// listing shows nothing half-written, and that an unacknowledged PUT is either absent or complete.
/// </summary>
public sealed class KillDuringPutTests(ITestOutputHelper output)
{
    private const string Bucket = "faults";
    private const int Writers = 4;

    /// <summary>
    /// Failure detection shortened for the test (Orleans' defaults take tens of seconds to declare a silo dead);
    /// transformers as local processes so no silo waits on a Docker engine.
    /// </summary>
    internal static readonly string[] SiloArgs =
    [
        "--Membership:ProbeTimeout=00:00:02", "--Membership:NumMissedProbesLimit=2", "--Etl:Runtime=process",
    ];

    /// <summary>
    /// Each phase of the load lasts until it has done what the assertions need (this many acknowledged PUTs of the
    /// kind), not a fixed time: the kill hits objects the victim owns, the cluster takes writes while it is down, and
    /// the restarted silo owns new writes again.
    /// </summary>
    private const int AckedPerPhase = 100;
    private static readonly TimeSpan PhaseLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DeathDeclarationLimit = TimeSpan.FromSeconds(45);

    [RedisFact]
    public async Task Acknowledged_puts_survive_a_silo_killed_mid_load_and_restarted()
    {
        RedisAvailability.EnsureAvailable();
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var total = Stopwatch.StartNew();

        await using var cluster = await ScriptedCluster.StartAsync(3, SiloArgs);
        var nodes = cluster.Nodes;
        output.WriteLine($"cluster of {nodes.Count} silos up after {total.Elapsed.TotalSeconds:F1} s in {cluster.BaseDirectory}");
        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = TimeSpan.FromSeconds(60) };
        (await http.PutAsync(new Uri(nodes[0].HttpUrl, $"/v1/buckets/{Bucket}"), null)).EnsureSuccessStatusCode();

        var victim = nodes[1];
        var survivor = nodes[0];
        var load = new PutLoad(http, Bucket, nodes.Select(n => n.HttpUrl).ToList(), seed);
        load.Start(Writers);
        await WaitForAckedAsync(load, a => a.StoredOn == victim.NodeId, $"PUTs acknowledged with {victim.NodeId} as owner before the kill");

        var killedAt = load.Elapsed;
        var ackedOnVictimBeforeKill = load.Attempts.Count(a => a.Acknowledged && a.StoredOn == victim.NodeId);
        output.WriteLine(await cluster.KillAsync(victim));
        var declaredDeadAfter = await WaitUntilGoneAsync(http, survivor, victim);
        output.WriteLine($"{victim.NodeId} declared dead {declaredDeadAfter.TotalSeconds:F1} s after kill -9");
        var declaredDeadAt = load.Elapsed;
        await WaitForAckedAsync(load, a => a.StartedAt > declaredDeadAt, $"PUTs acknowledged after {victim.NodeId} was declared dead");

        var restartedAt = load.Elapsed;
        output.WriteLine(await cluster.RestartAsync(victim));
        var rejoinedAt = load.Elapsed;
        await WaitForAckedAsync(load, a => a.StartedAt > rejoinedAt && a.StoredOn == victim.NodeId, $"PUTs acknowledged with {victim.NodeId} as owner after it rejoined");
        await load.StopAsync();
        var loadEnded = load.Elapsed;

        var attempts = load.Attempts.ToList();
        var acked = attempts.Where(a => a.Acknowledged).ToList();
        var failed = attempts.Where(a => !a.Acknowledged).ToList();
        var ackedWhileDown = acked.Count(a => a.StartedAt > killedAt && a.StartedAt < restartedAt);
        output.WriteLine($"PUTs: {attempts.Count} attempted, {acked.Count} acknowledged ({acked.Sum(a => a.Size) / 1048576.0:F1} MiB), " +
                         $"{failed.Count} not acknowledged ({string.Join(", ", failed.GroupBy(f => f.Failure).Select(g => $"{g.Key}: {g.Count()}"))})");
        output.WriteLine($"timeline: kill at {killedAt.TotalSeconds:F1} s, restart at {restartedAt.TotalSeconds:F1} s, " +
                         $"rejoined at {rejoinedAt.TotalSeconds:F1} s, load stopped at {loadEnded.TotalSeconds:F1} s; " +
                         $"{ackedOnVictimBeforeKill} acknowledged objects were on {victim.NodeId} when it was killed, {ackedWhileDown} PUTs acknowledged while it was down");

        foreach (var group in failed.Where(f => f.FailureDetail is not null).GroupBy(f => f.Failure))
            output.WriteLine($"  e.g. {group.Key}: {group.First().FailureDetail}");

        // The fault really hit the load, and the cluster kept taking writes around it.
        Assert.True(ackedOnVictimBeforeKill > 0, "no acknowledged object lived on the killed silo: the kill tested nothing");
        Assert.True(failed.Count > 0, "no PUT failed: the kill did not happen during the load");
        Assert.True(ackedWhileDown > 0, "no PUT was acknowledged while the silo was down");
        // A PUT refused because its owner is down must say "retry" (503), not look like a server fault (500).
        var serverFaults = failed.Where(f => f.Failure is { } failure && failure.StartsWith("HTTP 5", StringComparison.Ordinal) && failure != "HTTP 503").ToList();
        Assert.True(serverFaults.Count == 0, "PUTs failed with a server error instead of 503:\n" +
            string.Join('\n', serverFaults.Take(10).Select(f => $"  {f.Name} via {f.Silo}: {f.Failure} {f.FailureDetail}")));

        var problems = await CheckAllAsync(http, nodes, acked);
        var listed = await ListAsync(http, survivor);
        var attemptedByName = attempts.ToDictionary(a => a.Name);
        var unknown = listed.Where(name => !attemptedByName.ContainsKey(name)).ToList();
        var missingFromListing = acked.Where(a => !listed.Contains(a.Name)).Select(a => a.Name).ToList();
        var unackedPresent = failed.Where(a => listed.Contains(a.Name)).ToList();
        var unackedProblems = await CheckAllAsync(http, nodes, unackedPresent);
        var losses = problems.Count(p => p.Problem.StartsWith("missing", StringComparison.Ordinal));

        output.WriteLine($"checked {acked.Count} acknowledged objects byte for byte: {acked.Count - problems.Count} exact, {losses} lost, " +
                         $"{problems.Count - losses} other problems; faults injected: 1 (kill -9 of {victim.NodeId})");
        output.WriteLine($"listing: {listed.Count} names, {unknown.Count} never written, {missingFromListing.Count} acknowledged but not listed, " +
                         $"{unackedPresent.Count} unacknowledged PUTs present ({unackedPresent.Count - unackedProblems.Count} exact)");
        output.WriteLine($"total {total.Elapsed.TotalSeconds:F1} s");

        Assert.True(problems.Count == 0, "acknowledged objects not intact:\n" + Describe(problems) + Logs(nodes));
        Assert.True(unknown.Count == 0, "the listing shows names no writer used (temp or partial files?): " + string.Join(", ", unknown.Take(20)));
        Assert.True(missingFromListing.Count == 0, "acknowledged objects missing from the listing: " + string.Join(", ", missingFromListing.Take(20)));
        Assert.True(unackedProblems.Count == 0, "unacknowledged PUTs visible but not complete:\n" + Describe(unackedProblems));

        var (statusCode, status) = await cluster.StatusAsync();
        output.WriteLine(status);
        Assert.True(statusCode == 0, "cluster.sh status reports a stopped or unhealthy silo:\n" + status);
        Assert.Equal(nodes.Count, status.Split('\n').Count(line => line.Contains("running (pid") && line.Contains("healthy") && !line.Contains("unhealthy")));
    }

    /// <summary>
    /// An overwrite acknowledged by a stand-in owner while the real owner is down must win over the owner's older copy
    /// when it returns (rebalancing orders copies on two nodes by modification time: last writer wins).
    /// </summary>
    [RedisFact]
    public async Task Overwrite_acknowledged_while_the_owner_is_down_survives_its_return()
    {
        RedisAvailability.EnsureAvailable();
        await using var cluster = await ScriptedCluster.StartAsync(3, SiloArgs);
        var nodes = cluster.Nodes;
        var (victim, survivor) = (nodes[1], nodes[0]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        (await http.PutAsync(new Uri(survivor.HttpUrl, $"/v1/buckets/{Bucket}"), null)).EnsureSuccessStatusCode();

        // Names the victim owns, each written once (seed 1).
        var names = new List<string>();
        for (var i = 0; names.Count < 20 && i < 1000; i++)
        {
            if (await PutAsync(http, survivor, $"ow/{i}", 1, 1000 + i) == victim.NodeId) names.Add($"ow/{i}");
        }
        Assert.Equal(20, names.Count);

        await cluster.KillAsync(victim);
        await WaitUntilGoneAsync(http, survivor, victim);
        foreach (var name in names)
            Assert.NotEqual(victim.NodeId, await PutAsync(http, survivor, name, 2, 3000)); // acknowledged by a stand-in owner

        await cluster.RestartAsync(victim);
        // Rebalancing hands the stand-in's objects back; until it has, the returned owner still has the old versions.
        await Waiting.WaitUntil(async () =>
            {
                var stale = new List<string>();
                foreach (var name in names)
                {
                    var attempt = new PutAttempt(name, 2, 3000, survivor.HttpUrl, TimeSpan.Zero);
                    if (await ReadBackAsync(http, survivor.HttpUrl, attempt) is { } problem) stale.Add($"{name}: {problem}");
                }
                return stale;
            },
            stale => stale.Count == 0, TimeSpan.FromSeconds(60),
            stale => $"{stale.Count} of {names.Count} acknowledged overwrites lost after the owner returned:\n" + string.Join('\n', stale),
            TimeSpan.FromSeconds(1));
    }

    /// <summary>PUTs PatternStream(size, seed) and returns the node that acknowledged it as owner.</summary>
    private static async Task<string> PutAsync(HttpClient http, ScriptedNode silo, string name, ulong seed, long size)
    {
        using var content = new StreamContent(new PatternStream(size, seed));
        content.Headers.ContentLength = size;
        using var response = await http.PutAsync(new Uri(silo.HttpUrl, $"/v1/objects/{Bucket}/{name}"), content);
        response.EnsureSuccessStatusCode();
        using var meta = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return meta.RootElement.GetProperty("node").GetString()!;
    }

    /// <summary>Lets the load run until <see cref="AckedPerPhase"/> acknowledged PUTs match <paramref name="which"/>.</summary>
    private static Task WaitForAckedAsync(PutLoad load, Func<PutAttempt, bool> which, string what) =>
        Waiting.WaitUntil(() => load.Attempts.Count(a => a.Acknowledged && which(a)) >= AckedPerPhase, PhaseLimit,
            () => $"{load.Attempts.Count(a => a.Acknowledged && which(a))} of {AckedPerPhase} {what} ({load.AcknowledgedCount} of {load.Attempts.Count} PUTs acknowledged in all)",
            TimeSpan.FromMilliseconds(100));

    /// <summary>How long after the kill <paramref name="survivor"/> stops listing <paramref name="victim"/> as active.</summary>
    internal static async Task<TimeSpan> WaitUntilGoneAsync(HttpClient http, ScriptedNode survivor, ScriptedNode victim)
    {
        var clock = Stopwatch.StartNew();
        await Waiting.WaitUntil(async () =>
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri(survivor.HttpUrl, "/v1/cluster"), cts.Token));
                return doc.RootElement.GetProperty("nodes").EnumerateArray().All(n => n.GetProperty("node_id").GetString() != victim.NodeId);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                return false; // the cluster view asks every node, so it can fail while the dead one is still listed
            }
        }, DeathDeclarationLimit, () => $"{victim.NodeId} was still listed as active after kill -9");
        return clock.Elapsed;
    }

    /// <summary>Reads every attempt back (spread over all silos, a few at a time) and returns those not byte-exact.</summary>
    private static async Task<List<(PutAttempt Attempt, string Problem)>> CheckAllAsync(HttpClient http, IReadOnlyList<ScriptedNode> nodes, List<PutAttempt> attempts)
    {
        var problems = new System.Collections.Concurrent.ConcurrentBag<(PutAttempt, string)>();
        await Parallel.ForEachAsync(attempts.Select((a, i) => (a, i)), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (x, _) =>
        {
            if (await ReadBackAsync(http, nodes[x.i % nodes.Count].HttpUrl, x.a) is { } problem) problems.Add((x.a, problem));
        });
        return problems.ToList();
    }

    /// <summary>
    /// Null when the object reads back exactly as written. A 503 (object moving between silos) or a refused connection
    /// is retried for a while; a 404 is retried briefly (a move may be finishing), then it is a loss.
    /// </summary>
    private static async Task<string?> ReadBackAsync(HttpClient http, Uri silo, PutAttempt attempt)
    {
        var notFound = 0;
        // Final: the read has a verdict (Problem, or null for exact); otherwise Problem is the last transient answer.
        var (read, final) = await Waiting.TryWaitUntil<(bool Final, string? Problem)>(async () =>
        {
            try
            {
                using var response = await http.GetAsync(new Uri(silo, $"/v1/objects/{Bucket}/{attempt.Name}"), HttpCompletionOption.ResponseHeadersRead);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var verifier = new PatternVerifier(attempt.Seed);
                    await using (var body = await response.Content.ReadAsStreamAsync()) await body.CopyToAsync(verifier);
                    if (verifier.Written != attempt.Size) return (true, $"wrong length (torn, or another version): {verifier.Written} bytes, {attempt.Size} written");
                    return (true, verifier.FirstMismatch >= 0 ? $"corrupt: first wrong byte at {verifier.FirstMismatch} of {attempt.Size}" : null);
                }
                if (response.StatusCode == HttpStatusCode.NotFound && ++notFound >= 3) return (true, "missing (404)");
                return (false, $"HTTP {(int)response.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                return (false, e.GetType().Name + ": " + e.Message);
            }
        }, r => r.Final, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
        return final ? read.Problem : "unreadable for 30 s: " + read.Problem;
    }

    private static async Task<HashSet<string>> ListAsync(HttpClient http, ScriptedNode silo)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var url = $"/v1/buckets/{Bucket}?page_size=1000" + (token is null ? "" : "&continuation_token=" + Uri.EscapeDataString(token));
            using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri(silo.HttpUrl, url)));
            foreach (var entry in doc.RootElement.GetProperty("entries").EnumerateArray()) names.Add(entry.GetProperty("name").GetString()!);
            token = doc.RootElement.GetProperty("continuation_token").GetString();
        } while (token is not null);
        return names;
    }

    private static string Describe(List<(PutAttempt Attempt, string Problem)> problems) =>
        string.Join('\n', problems.Take(30).Select(p =>
            $"  {p.Attempt.Name} ({p.Attempt.Size} bytes, PUT to {p.Attempt.Silo} at {p.Attempt.StartedAt.TotalSeconds:F1} s, stored on {p.Attempt.StoredOn ?? "?"}): {p.Problem}"));

    private static string Logs(IReadOnlyList<ScriptedNode> nodes) =>
        string.Concat(nodes.Select(n => $"\n---- {n.NodeId} log tail:\n{ScriptedCluster.LogTail(n)}"));
}
