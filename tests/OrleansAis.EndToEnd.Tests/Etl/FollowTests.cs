using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using OrleansAis.EndToEnd.Tests.Cli;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Http.Contracts;
using OrleansAis.Testing;
using Xunit.Abstractions;

namespace OrleansAis.EndToEnd.Tests.Etl;

/// <summary>
/// Three silo processes whose transformers are local processes, with failure detection and the follow reconcile pass
/// shortened for the test; a silo can be killed, restarted with the same node id and data, and another one added.
/// </summary>
public sealed class FollowEtlCluster() : ProcessEtlCluster(3)
{
    protected override IEnumerable<string> SiloArgs(int index) =>
    [
        .. base.SiloArgs(index),
        "--Membership:ProbeTimeout=00:00:02", "--Membership:NumMissedProbesLimit=2",
        "--Follow:ReconcileInterval=00:00:03", "--Follow:RetryDelay=00:00:01",
    ];

    /// <summary>Starts silo <paramref name="index"/> again (after a kill) and waits until every running silo sees all of them.</summary>
    public async Task RestartAsync(int index)
    {
        Silos[index].Start(SiloArgs(index));
        foreach (var silo in Silos.Where(s => s.IsRunning)) await WaitForClusterAsync(silo, Silos.Count(s => s.IsRunning));
    }
}

/// <summary>
/// Transform on write on real silo processes: <c>upper</c> (a built-in that changes every byte that is a letter, so a
/// stale output is told from a fresh one) follows a bucket while four writers write, overwrite and delete, through a
/// kill -9 of a silo, its restart, and a node join; at the end the destination is transform(source), object for
/// object and byte for byte.
/// </summary>
public sealed class FollowTests(FollowEtlCluster cluster, ITestOutputHelper output) : IClassFixture<FollowEtlCluster>
{
    private const string Etl = "follow-upper";
    private static readonly TimeSpan ConvergeLimit = TimeSpan.FromSeconds(45);
    private readonly EtlHttp _etl = new(cluster.Http, cluster.Endpoint);
    private readonly OaisHttpClient _api = new(cluster.Http, cluster.Endpoint);

    private async Task EnsureEtlAsync()
    {
        using var response = await _etl.InitAsync(EtlHttp.Spec(Etl, "hpush://", ["etl-host", "upper"]));
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Conflict,
            $"init: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static byte[] Upper(byte[] text) => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(text).ToUpperInvariant());

    private static string DestinationName(string source) => source.EndsWith(".txt", StringComparison.Ordinal) ? source[..^4] + ".TXT" : source;

    [Fact]
    public async Task The_destination_equals_the_transformed_source_after_concurrent_writes_a_kill_a_restart_and_a_join()
    {
        const string src = "follow-src", dst = "follow-dst";
        var clock = Stopwatch.StartNew();
        await EnsureEtlAsync();
        await _etl.CreateBucketAsync(src);
        // Objects written before the rule exists are caught up when it is created.
        for (var i = 0; i < 20; i++) await _etl.PutAsync(src, $"early/{i:D2}.txt", new ByteArrayContent(Encoding.UTF8.GetBytes($"early object {i}")));
        var rule = await _api.PutFollowRuleAsync(src, new FollowRuleRequest
        {
            Etl = Etl, ToBucket = dst, Ext = new Dictionary<string, string> { ["txt"] = "TXT" }, CreateDestination = true,
        }, CancellationToken.None);
        Assert.Equal((src, dst, Etl), (rule.FromBucket, rule.ToBucket, rule.Etl));

        var victim = cluster.Silos[1]; // not the primary: development clustering needs that one
        using var load = new Writers(cluster, src);
        load.Start(4);
        await load.WaitForAcknowledgedAsync(80, "before the kill");
        await victim.KillAsync();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: killed {victim.NodeId} after {load.Acknowledged} acknowledged writes");
        await cluster.WaitForClusterAsync(cluster.Silos[0], 2); // declared dead: the survivors own its share
        await load.WaitForAcknowledgedAsync(load.Acknowledged + 50, "while the victim is down");
        await cluster.RestartAsync(1);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {victim.NodeId} restarted");
        await load.WaitForAcknowledgedAsync(load.Acknowledged + 50, "after the restart");
        var joined = await cluster.AddSiloAsync();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {joined.NodeId} joined");
        await load.WaitForAcknowledgedAsync(load.Acknowledged + 50, "after the join");
        await load.StopAsync();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: writers stopped: {load.Acknowledged} writes and deletes acknowledged, {load.Failed} not ({load.FailureSummary})");

        var (problems, converged) = await Waiting.TryWaitUntil(() => ProblemsAsync(src, dst), p => p.Count == 0, ConvergeLimit, poll: TimeSpan.FromSeconds(1));
        output.WriteLine(await Figures(src));
        Assert.True(converged, $"the destination did not converge within {ConvergeLimit.TotalSeconds} s: {problems.Count} problems\n  "
            + string.Join("\n  ", problems.Take(20)));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: converged, {(await ListAsync(src)).Count} objects checked byte for byte");
        Assert.True(load.Failed > 0, "no write failed: the kill did not happen during the load");
    }

    [Fact]
    public async Task A_deleted_source_deletes_its_derived_object_and_a_removed_rule_stops_following()
    {
        const string src = "follow-del-src", dst = "follow-del-dst";
        await EnsureEtlAsync();
        await _etl.CreateBucketAsync(src);
        // Bad rules are refused naming the problem, and change nothing.
        var bad = await Assert.ThrowsAsync<OaisApiException>(() =>
            _api.PutFollowRuleAsync(src, new FollowRuleRequest { Etl = Etl, ToBucket = src }, CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("to_bucket", bad.Message);
        var missing = await Assert.ThrowsAsync<OaisApiException>(() =>
            _api.PutFollowRuleAsync(src, new FollowRuleRequest { Etl = Etl, ToBucket = dst }, CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status); // no destination bucket, and no create_destination
        Assert.Empty(await _api.ListFollowRulesAsync(src, CancellationToken.None));

        var follow = await OaisCli.RunAsync(cluster.Endpoint, ["etl", "follow", Etl, src, dst, "--prepend", "up/", "--create-destination"]);
        Assert.True(follow.ExitCode == 0, follow.ToString());
        var names = Enumerable.Range(0, 24).Select(i => $"d-{i:D2}").ToList();
        await Parallel.ForEachAsync(names, async (n, _) => await _etl.PutAsync(src, n, new ByteArrayContent(Encoding.UTF8.GetBytes("delete me " + n))));
        await Waiting.WaitUntil(async () => (await ListAsync(dst)).Count == names.Count, ConvergeLimit, () => "not every object was transformed");

        var deleted = names.Where((_, i) => i % 2 == 0).ToList();
        foreach (var n in deleted) (await cluster.Http.DeleteAsync(_etl.ObjectUri(src, n, ""))).EnsureSuccessStatusCode();
        var kept = names.Except(deleted).Select(n => "up/" + n).ToList();
        await Waiting.WaitUntil(() => ListAsync(dst), listed => listed.SequenceEqual(kept), ConvergeLimit,
            listed => $"derived objects of deleted sources remain: {string.Join(", ", listed.Except(kept))}");
        foreach (var n in names.Except(deleted))
            Assert.Equal(Upper(Encoding.UTF8.GetBytes("delete me " + n)), await cluster.Http.GetByteArrayAsync(_etl.ObjectUri(dst, "up/" + n, "")));
        var rules = await _api.ListFollowRulesAsync(src, CancellationToken.None);
        var figures = Assert.Single(rules).Nodes;
        Assert.True(figures.Sum(n => n.Done) >= names.Count, $"done: {figures.Sum(n => n.Done)}"); // a pass racing the queue may transform twice
        Assert.Equal(deleted.Count, figures.Sum(n => n.Deleted));
        Assert.All(figures, n => Assert.Equal(0, n.Pending));

        var show = await OaisCli.RunAsync(cluster.Endpoint, ["etl", "follow", "show", src]);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains($"{src} => {dst} through ETL {Etl} (prepend 'up/')", show.Stdout);
        Assert.All(figures, n => Assert.Contains(n.Node, show.Stdout));
        var stop = await OaisCli.RunAsync(cluster.Endpoint, ["etl", "follow", "stop", src, dst]);
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Empty(await _api.ListFollowRulesAsync(src, CancellationToken.None));
        var gone = await Assert.ThrowsAsync<OaisApiException>(() => _api.DeleteFollowRuleAsync(src, dst, CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal("FollowRuleNotFound", gone.Code);
    }

    /// <summary>What is wrong with the destination now: missing, extra and stale objects (empty when it is exact).</summary>
    private async Task<List<string>> ProblemsAsync(string src, string dst)
    {
        var problems = new ConcurrentBag<string>();
        try
        {
            var sources = await ListAsync(src);
            var expected = sources.ToDictionary(DestinationName, n => n);
            var destinations = await ListAsync(dst);
            foreach (var d in destinations.Where(d => !expected.ContainsKey(d))) problems.Add($"extra {d}");
            foreach (var d in expected.Keys.Except(destinations)) problems.Add($"missing {d}");
            await Parallel.ForEachAsync(expected.Where(e => destinations.Contains(e.Key)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (e, ct) =>
            {
                var source = await cluster.Http.GetByteArrayAsync(_etl.ObjectUri(src, e.Value, ""), ct);
                var derived = await cluster.Http.GetByteArrayAsync(_etl.ObjectUri(dst, e.Key, ""), ct);
                if (!Upper(source).AsSpan().SequenceEqual(derived)) problems.Add($"stale {e.Key}");
            });
        }
        catch (HttpRequestException e)
        {
            problems.Add($"cannot read the buckets yet: {e.Message}"); // e.g. an object deleted between listing and reading
        }
        return [.. problems.Order(StringComparer.Ordinal)];
    }

    private async Task<List<string>> ListAsync(string bucket)
    {
        var names = new List<string>();
        await foreach (var e in _api.ListObjectsAsync(bucket, prefix: null, pageSize: 1000, limit: null, CancellationToken.None)) names.Add(e.Name);
        return names;
    }

    private async Task<string> Figures(string src)
    {
        var rules = await _api.ListFollowRulesAsync(src, CancellationToken.None);
        return string.Join('\n', rules.SelectMany(r => r.Nodes.Select(n =>
            $"  {n.Node}: pending {n.Pending}, done {n.Done}, deleted {n.Deleted}, failed {n.Failed}, lag {n.LagSeconds:F1} s {n.Message}"
            + string.Concat(n.Failures.Take(3).Select(f => $"\n    {f.Name}: {f.Message}")))));
    }

    /// <summary>
    /// Writers that PUT (create and overwrite) and now and then DELETE objects of a small set of names, each through a
    /// silo taken in turn, until stopped; a request that fails (its silo is down) is counted and the writer goes on.
    /// </summary>
    private sealed class Writers(FollowEtlCluster cluster, string bucket) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<string, int> _failures = new();
        private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2) }) { Timeout = TimeSpan.FromSeconds(20) };
        private readonly List<Task> _writers = [];
        private int _acknowledged, _failed;

        public int Acknowledged => Volatile.Read(ref _acknowledged);
        public int Failed => Volatile.Read(ref _failed);
        public string FailureSummary => string.Join(", ", _failures.Select(f => $"{f.Key}: {f.Value}"));

        public void Start(int count)
        {
            for (var w = 0; w < count; w++)
            {
                var writer = w;
                _writers.Add(Task.Run(() => WriteAsync(writer)));
            }
        }

        public Task WaitForAcknowledgedAsync(int count, string phase) =>
            Waiting.WaitUntil(() => Acknowledged >= count, TimeSpan.FromSeconds(60), () => $"only {Acknowledged} of {count} writes acknowledged {phase} ({FailureSummary})");

        private async Task WriteAsync(int writer)
        {
            var random = new Random(writer * 7919 + Environment.TickCount);
            for (var seq = 0; !_stop.IsCancellationRequested; seq++)
            {
                var silos = cluster.Silos.ToList();
                var name = random.Next(3) == 0 ? $"plain/{random.Next(60):D2}" : $"text/{random.Next(120):D3}.txt";
                var uri = new Uri(silos[(writer + seq) % silos.Count].HttpUrl, OaisRoutes.ObjectPath(bucket, name));
                try
                {
                    using var response = random.Next(10) == 0
                        ? await _http.DeleteAsync(uri)
                        : await _http.PutAsync(uri, new ByteArrayContent(Content(random, name, writer, seq)));
                    if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound) Interlocked.Increment(ref _acknowledged);
                    else Fail($"HTTP {(int)response.StatusCode}");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Fail(e.GetType().Name);
                }
            }
        }

        private static byte[] Content(Random random, string name, int writer, int seq)
        {
            var text = new StringBuilder($"{name} by writer {writer}, write {seq}: ");
            for (var i = random.Next(50, 3000); i > 0; i--) text.Append((char)('a' + random.Next(26)));
            return Encoding.UTF8.GetBytes(text.ToString());
        }

        private void Fail(string why)
        {
            Interlocked.Increment(ref _failed);
            _failures.AddOrUpdate(why, 1, (_, n) => n + 1);
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_writers);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _http.Dispose();
            _stop.Dispose();
        }
    }
}
