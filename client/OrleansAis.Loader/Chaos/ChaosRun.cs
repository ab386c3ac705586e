using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OrleansAis.ClusterScript;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Loader.Chaos;

/// <summary>
/// <c>oais-loader chaos</c>: starts its own cluster, runs writers that read back what they wrote while a controller
/// kills (-9), restarts, adds and decommissions silos at random, then checks every key once all silos are back.
/// Prints acknowledged / lost / stale / wrong-bytes counts; exit code 1 on any lost, stale or wrong read.
/// </summary>
internal sealed class ChaosRun(ChaosOptions options)
{
    public const string PlainBucket = "chaos-plain";
    public const string MirroredBucket = "chaos-mirrored";

    private static readonly string[] SiloArgs =
        ["--Membership:ProbeTimeout=00:00:02", "--Membership:NumMissedProbesLimit=2", "--Etl:Runtime=process"];

    private readonly ChaosCounts _counts = new();
    private readonly HashSet<string> _down = []; // node ids the controller took away (killed or decommissioned)
    private readonly Lock _downLock = new();
    private readonly Random _random = new(options.Seed);
    private volatile IReadOnlyList<ScriptedNode> _nodes = []; // as of the last start or add: writers pick from it on every request

    public static async Task<int> RunAsync(ChaosOptions options, CancellationToken ct)
    {
        var baseDir = options.BaseDir ?? Path.Combine(Path.GetTempPath(), "oais-chaos-" + Guid.NewGuid().ToString("N")[..8]);
        var cluster = new ScriptCluster(options.Script, baseDir);
        var run = new ChaosRun(options);
        try
        {
            var ports = new Random().Next(20_000, 31_000); // below the ephemeral range: a restarted silo binds its ports again
            await cluster.StartAsync(options.Silos, (ports, ports + 200, ports + 400), options.SiloDll, SiloArgs);
            run._nodes = cluster.Nodes;
            return await run.RunAsync(cluster, ct);
        }
        finally
        {
            try { await cluster.StopAsync(); } catch (Exception e) { await Console.Error.WriteLineAsync($"chaos: cluster.sh stop failed: {e.Message}"); }
            if (options.BaseDir is null) try { Directory.Delete(baseDir, recursive: true); } catch (IOException) { }
        }
    }

    private async Task<int> RunAsync(ScriptCluster cluster, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(3) }) { Timeout = TimeSpan.FromSeconds(30) };
        var first = _nodes[0].HttpUrl;
        (await http.PutAsync(new Uri(first, OaisRoutes.BucketPath(PlainBucket)), null, ct)).EnsureSuccessStatusCode();
        using (var body = new StringContent("""{"properties":{"copies":"2"}}""", System.Text.Encoding.UTF8, "application/json"))
            (await http.PutAsync(new Uri(first, OaisRoutes.BucketPath(MirroredBucket)), body, ct)).EnsureSuccessStatusCode();

        var keys = Enumerable.Range(0, options.Keys).Select(i => new KeyLedger(i % 2 == 0 ? PlainBucket : MirroredBucket, $"k/{i:D5}")).ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writers = Enumerable.Range(0, options.Writers)
            .Select(w => Task.Run(() => WriteAsync(http, keys.Where((_, i) => i % options.Writers == w).ToList(), options.Seed + w, stop.Token)))
            .ToList();
        await Console.Error.WriteLineAsync($"chaos: {options.Silos} silos in {cluster.BaseDirectory}; {options.Writers} writers on {options.Keys} keys for {options.Duration}");
        await ControlAsync(http, cluster, clock, stop.Token);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        // Everything back, then every key must read as its last acknowledged write (or a later one).
        foreach (var node in _nodes.Where(IsDown).ToList()) await RestartAsync(cluster, node);
        await FinalCheckAsync(http, keys, ct);
        Print(clock.Elapsed);
        return _counts.Failed ? 1 : 0;
    }

    private bool IsDown(ScriptedNode node) { lock (_downLock) return _down.Contains(node.NodeId); }

    private List<ScriptedNode> Up() => _nodes.Where(n => !IsDown(n)).ToList();

    /// <summary>Faults at random intervals: one node away at a time (so mirrored objects stay readable), at least two up.</summary>
    private async Task ControlAsync(HttpClient http, ScriptCluster cluster, Stopwatch clock, CancellationToken ct)
    {
        while (clock.Elapsed < options.Duration && !ct.IsCancellationRequested)
        {
            var wait = options.FaultEvery * (0.5 + _random.NextDouble());
            var left = options.Duration - clock.Elapsed;
            if (left <= TimeSpan.Zero) break;
            await Task.Delay(wait < left ? wait : left, ct);
            if (clock.Elapsed >= options.Duration) break;
            var nodes = _nodes;
            var away = nodes.FirstOrDefault(IsDown);
            try
            {
                if (away is not null) await RestartAsync(cluster, away);
                else
                {
                    var up = Up();
                    var roll = _random.NextDouble();
                    if (roll < 0.2 && nodes.Count < options.MaxSilos)
                    {
                        await cluster.AddAsync();
                        _nodes = cluster.Nodes;
                        Interlocked.Increment(ref _counts.Adds);
                        _counts.Note($"added {_nodes[^1].NodeId}");
                    }
                    else if (roll < 0.4 && up.Count > 2)
                    {
                        var victim = up[_random.Next(up.Count)];
                        lock (_downLock) _down.Add(victim.NodeId);
                        using var answer = await http.PostAsync(new Uri(up.First(n => n != victim).HttpUrl,
                            OaisRoutes.DecommissionPath(victim.NodeId) + $"?{OaisQuery.Shutdown}=true"), null, ct);
                        answer.EnsureSuccessStatusCode();
                        await WaitGoneAsync(http, up.First(n => n != victim), victim, ct);
                        Interlocked.Increment(ref _counts.Decommissions);
                        _counts.Note($"decommissioned {victim.NodeId}");
                    }
                    else if (up.Count > 2 || nodes.Count <= 3)
                    {
                        var victim = up[_random.Next(up.Count)];
                        lock (_downLock) _down.Add(victim.NodeId);
                        await cluster.KillAsync(victim);
                        Interlocked.Increment(ref _counts.Kills);
                        _counts.Note($"killed {victim.NodeId}");
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _counts.Note($"fault step failed: {e.Message.Split('\n')[0]}");
            }
        }
    }

    private async Task RestartAsync(ScriptCluster cluster, ScriptedNode node)
    {
        await cluster.RestartAsync(node);
        lock (_downLock) _down.Remove(node.NodeId);
        Interlocked.Increment(ref _counts.Restarts);
        _counts.Note($"restarted {node.NodeId}");
    }

    private static async Task WaitGoneAsync(HttpClient http, ScriptedNode observer, ScriptedNode node, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri(observer.HttpUrl, OaisRoutes.Cluster), ct));
                if (doc.RootElement.GetProperty("nodes").EnumerateArray().All(n => n.GetProperty("node_id").GetString() != node.NodeId)) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException) { }
            await Task.Delay(500, ct);
        }
    }

    private async Task WriteAsync(HttpClient http, List<KeyLedger> keys, int seed, CancellationToken ct)
    {
        var random = new Random(seed);
        while (!ct.IsCancellationRequested)
        {
            var key = keys[random.Next(keys.Count)];
            var up = Up();
            var silo = up[random.Next(up.Count)].HttpUrl;
            var url = new Uri(silo, OaisRoutes.ObjectPath(key.Bucket, key.Name));
            if (key.Acked < 0 || random.Next(2) == 0) await PutAsync(http, key, url, random.Next(1, 64 << 10));
            else await ReadAsync(http, key, url);
        }
    }

    private async Task PutAsync(HttpClient http, KeyLedger key, Uri url, int size)
    {
        var sequence = key.NextSequence();
        try
        {
            using var content = new ByteArrayContent(VersionedContent.Create(key.Key, sequence, size));
            using var response = await http.PutAsync(url, content);
            if (response.IsSuccessStatusCode)
            {
                key.Acknowledged(sequence);
                Interlocked.Increment(ref _counts.Acknowledged);
                return;
            }
            Interlocked.Increment(ref _counts.WritesRefused);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            Interlocked.Increment(ref _counts.WritesUnanswered);
        }
        key.Unsettled(sequence);
    }

    private async Task ReadAsync(HttpClient http, KeyLedger key, Uri url)
    {
        var ackedAtStart = key.Acked;
        Interlocked.Increment(ref _counts.Reads);
        try
        {
            using var response = await http.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.OK) Judge(key, await response.Content.ReadAsByteArrayAsync(), ackedAtStart, url, final: false, ServedBy(response));
            else if (response.StatusCode == HttpStatusCode.NotFound && ackedAtStart >= 0)
            {
                Interlocked.Increment(ref _counts.Absent);
                _counts.Note($"absent: {key.Key} via {url.Authority} answered 404 (from {response.RequestMessage?.RequestUri?.Authority}) after write {ackedAtStart} was acknowledged");
            }
            else Interlocked.Increment(ref _counts.ReadsUnavailable);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            Interlocked.Increment(ref _counts.ReadsUnavailable);
        }
    }

    /// <summary>The node that served a read (after redirects), as its answer names it.</summary>
    private static string ServedBy(HttpResponseMessage response) =>
        response.Headers.TryGetValues(OaisHeaders.Node, out var node) ? string.Join(',', node) : "?";

    private void Judge(KeyLedger key, byte[] body, long ackedAtStart, Uri url, bool final, string servedBy)
    {
        if (VersionedContent.SequenceOf(key.Key, body) is not { } sequence)
        {
            Interlocked.Increment(ref _counts.WrongBytes);
            _counts.Note($"wrong bytes: {key.Key} via {url.Authority} (served by {servedBy}, {body.Length} bytes)");
        }
        else if (!key.MayRead(sequence, ackedAtStart))
        {
            Interlocked.Increment(ref final ? ref _counts.FinalStale : ref _counts.Stale);
            _counts.Note($"stale: {key.Key} via {url.Authority} (served by {servedBy}) returned write {sequence}, {ackedAtStart} was acknowledged before the read");
        }
    }

    private async Task FinalCheckAsync(HttpClient http, List<KeyLedger> keys, CancellationToken ct)
    {
        var nodes = _nodes;
        await Parallel.ForEachAsync(keys.Where(k => k.Acked >= 0).Select((k, i) => (k, i)), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (x, token) =>
            {
                var url = new Uri(nodes[x.i % nodes.Count].HttpUrl, OaisRoutes.ObjectPath(x.k.Bucket, x.k.Name));
                var deadline = Stopwatch.StartNew();
                while (true)
                {
                    try
                    {
                        using var response = await http.GetAsync(url, token);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            Judge(x.k, await response.Content.ReadAsByteArrayAsync(token), x.k.Acked, url, final: true, ServedBy(response));
                            return;
                        }
                        if (response.StatusCode == HttpStatusCode.NotFound && deadline.Elapsed > TimeSpan.FromSeconds(10))
                        {
                            Interlocked.Increment(ref _counts.Lost);
                            _counts.Note($"lost: {x.k.Key} (write {x.k.Acked} was acknowledged) answers 404 with every silo up");
                            return;
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
                    if (deadline.Elapsed > TimeSpan.FromSeconds(90))
                    {
                        Interlocked.Increment(ref _counts.Lost);
                        _counts.Note($"lost: {x.k.Key} unreadable for 90 s with every silo up");
                        return;
                    }
                    await Task.Delay(500, token);
                }
            });
    }

    private void Print(TimeSpan elapsed)
    {
        var c = _counts;
        var text = $"""
            chaos run: {elapsed.TotalSeconds:F0} s (faults for {options.Duration}), {options.Writers} writers, {options.Keys} keys ({PlainBucket}, {MirroredBucket} copies:2), seed {options.Seed}, {_nodes.Count} silos at the end
            faults: {c.Kills} kill -9, {c.Restarts} restarts, {c.Adds} silos added, {c.Decommissions} decommissions
            writes: {c.Acknowledged} acknowledged, {c.WritesRefused} refused (error status), {c.WritesUnanswered} unanswered (no status)
            reads: {c.Reads} during the run, {c.ReadsUnavailable} unavailable (503 or no answer)
            acknowledged {c.Acknowledged}, lost {c.Lost}, stale {c.Stale + c.FinalStale} ({c.FinalStale} in the final check), wrong-bytes {c.WrongBytes}, absent (404 for an acknowledged key) {c.Absent}
            verdict: {(c.Failed ? "FAILED" : "ok")}
            """;
        Console.WriteLine(options.Json
            ? JsonSerializer.Serialize(new
            {
                seconds = (int)elapsed.TotalSeconds, acknowledged = c.Acknowledged, lost = c.Lost, stale = c.Stale + c.FinalStale, wrong_bytes = c.WrongBytes,
                absent = c.Absent, writes_refused = c.WritesRefused, writes_unanswered = c.WritesUnanswered, reads = c.Reads, reads_unavailable = c.ReadsUnavailable,
                kills = c.Kills, restarts = c.Restarts, adds = c.Adds, decommissions = c.Decommissions, events = c.Samples.ToArray(),
            })
            : text + "\nevents:\n" + string.Join('\n', c.Samples.Select(s => "  " + s)));
    }
}
