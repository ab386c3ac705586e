using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using OrleansAis.Benchmarks.Harness;
using OrleansAis.Benchmarks.Hosting;
using OrleansAis.Benchmarks.Reporting;
using OrleansAis.Benchmarks.Targets;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Benchmarks.Scenarios;

/// <summary>
/// Transform on write (a follow rule with the built-in echo on hpush://, direct put) on two silo processes: what the
/// rule costs a PUT (throughput and silo CPU per PUT with and without the rule, in the same run, alternating), and
/// its lag under a steady PUT load below saturation (from each PUT's acknowledgement until its derived object can be
/// read).
/// </summary>
public sealed class FollowLagScenario : IScenario
{
    private const int ObjectBytes = 64 << 10;
    private const int Silos = 2;
    private const int Names = 512;
    private const string Etl = "bench-follow-echo";
    private const string Plain = "bench-follow-plain";
    private const string Source = "bench-follow-src";
    private const string Destination = "bench-follow-dst";
    /// <summary>The custom metadata every ETL output carries, naming its source and version (docs/ETL.md).</summary>
    private const string SourceMarkerKey = "oais.etl.source";
    private static readonly TimeSpan LagProbeLimit = TimeSpan.FromSeconds(30);

    public string Key => "etl-follow";
    public string Title => "Transform on write: the cost of a follow rule to a PUT, and its lag";

    public async Task<ReportSection> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        BenchmarkContext.Log($"starting {Silos} silo processes with the Process ETL runtime ...");
        await using var cluster = await SiloCluster.StartAsync(context.Settings.Silo, context.Folder("follow-cluster"), Silos, ct);
        var writers = context.Workers;
        using var http = HttpDownload.CreateLoadClient(writers * 4);
        var admin = new OaisAdmin(http, cluster.HttpUrl);
        var api = new OaisHttpClient(http, cluster.HttpUrl);
        await admin.InitEchoAsync(Etl, "hpush://", supportDirectPut: true, ct);
        try
        {
            await admin.CreateBucketAsync(Plain, ct);
            await admin.CreateBucketAsync(Source, ct);
            await api.PutFollowRuleAsync(Source, new FollowRuleRequest { Etl = Etl, ToBucket = Destination, CreateDestination = true }, ct);
            var content = new byte[ObjectBytes];
            Random.Shared.NextBytes(content);
            var duration = context.Settings.Load.Duration;

            // Warm both paths once (unmeasured), then alternate: plain, followed, followed, plain, ...
            await PutLoadAsync(http, cluster, Plain, content, writers, context.Settings.Load.Warmup, ct);
            await PutLoadAsync(http, cluster, Source, content, writers, context.Settings.Load.Warmup, ct);
            await DrainAsync(api, ct);
            var plain = new List<PutRun>();
            var followed = new List<PutRun>();
            for (var round = 0; round < context.Settings.Rounds * 2; round++)
            {
                var withRule = round % 4 is 1 or 2;
                var cpuBefore = SiloCpu(cluster);
                var run = await PutLoadAsync(http, cluster, withRule ? Source : Plain, content, writers, duration, ct);
                // The rule's work is done after the PUTs are acknowledged: its CPU counts until the queue is empty.
                var drain = withRule ? await DrainAsync(api, ct) : TimeSpan.Zero;
                run = run with { Cpu = SiloCpu(cluster) - cpuBefore, Drain = drain };
                (withRule ? followed : plain).Add(run);
                BenchmarkContext.Log($"  {(withRule ? "with rule   " : "without rule")} {run.PerSecond,8:F1} PUT/s  CPU {run.CpuPerPut.TotalMilliseconds:F2} ms/PUT  drain {drain.TotalSeconds:F2} s");
                cluster.EnsureRunning();
            }

            // Lag at a steady rate: a quarter of what the followed PUTs sustained, so the queue does not just grow and the
            // probes' HEADs leave the silos room.
            var rate = Math.Max(10, Median(followed.Select(r => r.PerSecond)) / 4);
            BenchmarkContext.Log($"  lag at a steady {rate:F0} PUT/s for {duration.TotalSeconds:F0} s ...");
            var lags = await LagAsync(http, cluster, content, rate, duration, ct);
            await DrainAsync(api, ct);
            return Report(plain, followed, rate, lags, duration, writers);
        }
        finally
        {
            try { await api.DeleteFollowRuleAsync(Source, Destination, CancellationToken.None); } catch (OaisApiException) { }
            await admin.DeleteEtlAsync(Etl, CancellationToken.None);
        }
    }

    /// <summary>Closed loop: <paramref name="writers"/> PUTs in flight, silos taken in turn, for <paramref name="duration"/>.</summary>
    private static async Task<PutRun> PutLoadAsync(HttpClient http, SiloCluster cluster, string bucket, byte[] content, int writers,
        TimeSpan duration, CancellationToken ct)
    {
        var targets = cluster.Silos.Select(s => new AisHttpTarget(http, s.HttpUrl, bucket, bucket)).ToArray();
        long puts = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = w; clock.Elapsed < duration; i += writers)
            {
                await targets[i % targets.Length].PutAsync($"obj-{i % Names:D4}", content, ct);
                Interlocked.Increment(ref puts);
            }
        }, ct)));
        return new PutRun(puts, clock.Elapsed, TimeSpan.Zero, TimeSpan.Zero);
    }

    /// <summary>
    /// Open loop at <paramref name="rate"/> PUTs per second: after each PUT is acknowledged, a probe reads the derived
    /// object's metadata every 5 ms until it carries the version just written (the source marker names it).
    /// </summary>
    private static async Task<List<TimeSpan>> LagAsync(HttpClient http, SiloCluster cluster, byte[] content, double rate, TimeSpan duration,
        CancellationToken ct)
    {
        var sources = cluster.Silos.Select(s => new OaisHttpClient(http, s.HttpUrl)).ToArray();
        var lags = new ConcurrentBag<TimeSpan>();
        var probes = new ConcurrentBag<Task>();
        var interval = TimeSpan.FromSeconds(1 / rate);
        var clock = Stopwatch.StartNew();
        var puts = new List<Task>();
        for (var i = 0; clock.Elapsed < duration; i++)
        {
            var due = interval * i;
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, ct);
            var n = i;
            puts.Add(Task.Run(async () =>
            {
                var api = sources[n % sources.Length];
                var name = $"lag-{n:D6}"; // a new name each time: the derived object exists only once this PUT is transformed
                var meta = await api.PutObjectAsync(Source, name, new ByteArrayContent(content), custom: null, expectedChecksum: null, ct);
                var acked = Stopwatch.GetTimestamp();
                probes.Add(ProbeAsync(api, name, meta.Version, acked));
            }, ct));
        }
        await Task.WhenAll(puts);
        await Task.WhenAll(probes);
        return [.. lags.Order()];

        async Task ProbeAsync(OaisHttpClient api, string name, long version, long acked)
        {
            var limit = Stopwatch.StartNew();
            while (limit.Elapsed < LagProbeLimit)
            {
                try
                {
                    var derived = await api.HeadObjectAsync(Destination, name, ct);
                    if (derived.Custom.TryGetValue(SourceMarkerKey, out var marker) && marker.Contains($"|v{version}|", StringComparison.Ordinal))
                    {
                        lags.Add(Stopwatch.GetElapsedTime(acked));
                        return;
                    }
                }
                catch (OaisApiException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
                {
                }
                await Task.Delay(5, ct);
            }
            throw new TimeoutException($"{Destination}/{name} was not readable {LagProbeLimit.TotalSeconds} s after its source's PUT");
        }
    }

    /// <summary>Until every node reports nothing pending for the rule; returns how long that took.</summary>
    private static async Task<TimeSpan> DrainAsync(OaisHttpClient api, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var rule = (await api.ListFollowRulesAsync(Source, ct)).Single();
            if (rule.Nodes.Count == Silos && rule.Nodes.All(n => n.Pending == 0)) return clock.Elapsed;
            if (clock.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException("the follow rule did not drain within 2 minutes");
            await Task.Delay(20, ct);
        }
    }

    private static TimeSpan SiloCpu(SiloCluster cluster) =>
        cluster.Silos.Aggregate(TimeSpan.Zero, (sum, silo) => sum + ProcessTreeCpu.Of(silo.ProcessId));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private ReportSection Report(List<PutRun> plain, List<PutRun> followed, double rate, List<TimeSpan> lags, TimeSpan duration, int writers)
    {
        var cost = new TextTable(["PUTs of 64 KiB into", "runs (PUT/s)", "median PUT/s", "median silo CPU ms/PUT", "median drain s", "vs no rule"], 1);
        var plainRate = Median(plain.Select(r => r.PerSecond));
        var plainCpu = Median(plain.Select(r => r.CpuPerPut.TotalMilliseconds));
        foreach (var (label, runs) in new[] { ("a bucket without a rule", plain), ("a bucket with a follow rule (echo, hpush, direct put)", followed) })
        {
            var perSecond = Median(runs.Select(r => r.PerSecond));
            var cpu = Median(runs.Select(r => r.CpuPerPut.TotalMilliseconds));
            cost.Add(label, string.Join(", ", runs.Select(r => F(r.PerSecond, "F0"))), F(perSecond, "F1"), F(cpu, "F2"),
                F(Median(runs.Select(r => r.Drain.TotalSeconds)), "F2"),
                runs == plain ? "**1.00 (baseline)**" : $"**{F(perSecond / plainRate, "F2")}x PUT/s, {F(cpu / plainCpu, "F2")}x CPU/PUT**");
        }
        var lag = new TextTable(["steady load", "PUTs measured", "p50 lag s", "p90 lag s", "p99 lag s", "max lag s"], 1);
        lag.Add($"{F(rate, "F0")} PUT/s of 64 KiB for {F(duration.TotalSeconds, "F0")} s", lags.Count.ToString(CultureInfo.InvariantCulture),
            F(Percentile(lags, 0.50).TotalSeconds, "F3"), F(Percentile(lags, 0.90).TotalSeconds, "F3"), F(Percentile(lags, 0.99).TotalSeconds, "F3"),
            F(lags[^1].TotalSeconds, "F3"));
        return new ReportSection(Title)
            .Text($"""
                {Silos} silo processes on this machine, the built-in `echo` on `hpush://` with `support_direct_put`, one
                transformer process per silo, and a rule `{Source}` => `{Destination}`. **Cost:** PUTs of 64 KiB over
                {Names} names (creates, then overwrites) by a closed loop of {writers}
                parallel writers, silos taken in turn, into a bucket without a rule and into the followed bucket,
                alternating (A B B A ...). *Silo CPU ms/PUT* is the CPU of the silo process trees (transformers included)
                from the start of the run until the rule's queue is empty again on every node, per PUT: it includes the
                transform the rule causes, which happens after the PUT was acknowledged. *drain* is how long after the
                last PUT the queue took to empty. **Lag:** PUTs of new names at a steady rate (a quarter of the followed
                throughput above); for each, the time from the PUT's acknowledgement until a HEAD of the derived object
                shows it was produced from that version (polled every 5 ms, so lags are over-stated by up to ~5 ms).
                """)
            .Table(cost)
            .Table(lag);
    }

    private sealed record PutRun(long Puts, TimeSpan Elapsed, TimeSpan Cpu, TimeSpan Drain)
    {
        public double PerSecond => Puts / Elapsed.TotalSeconds;
        public TimeSpan CpuPerPut => Puts == 0 ? TimeSpan.Zero : Cpu / Puts;
    }
}
