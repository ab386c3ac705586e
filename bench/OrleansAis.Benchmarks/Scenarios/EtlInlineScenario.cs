using System.Globalization;
using System.Security.Cryptography;
using OrleansAis.Benchmarks.Harness;
using OrleansAis.Benchmarks.Reporting;
using OrleansAis.Benchmarks.Targets;

namespace OrleansAis.Benchmarks.Scenarios;

/// <summary>
/// The overhead of each ETL communicator over a plain GET: ETLs on one silo (transformers as its child processes),
/// inline reads of the same objects through each, compared with plain reads in the same run. Echo shows the
/// plumbing alone; md5 a real transform; fqn the paths where the transformer reads the object's file itself.
/// </summary>
public sealed class EtlInlineScenario : IScenario
{
    private const int ObjectsPerSize = 64;
    private const string Bucket = "bench-etl-inline";
    private const int Mebibyte = 1 << 20;
    private const int Md5HexBytes = 32;

    private static readonly (string Label, int Bytes)[] Sizes = [("1 MiB", Mebibyte), ("4 KiB", 4 << 10)];

    /// <summary>What one row reads through. <c>MaxRatio</c>: the performance contract's CPU goal at 1 MiB (DESIGN.md §8).</summary>
    /// <c>Python</c>: a zero-image Python ETL (`runtime.python`, a streaming echo under the Python SDK) instead of the command.
    private sealed record Variant(string Name, string Label, string Communicator, string[] Command, bool Fqn = false, bool Md5 = false, double? CpuGoal = null,
        double? ThroughputGoal1M = null, double? ThroughputGoal4K = null, bool Python = false)
    {
        public bool PerObjectProcess => Communicator == "io://";
        /// <summary>A pipeline of other rows' ETLs (<c>a&gt;&gt;b</c>, read as <c>etl_name=a&gt;&gt;b</c>): nothing of its own to init.</summary>
        public bool Pipeline => Name.Contains(">>", StringComparison.Ordinal);
    }

    private static readonly Variant[] Variants =
    [
        new("bench-hpush-echo", "`hpush://` echo", "hpush://", ["etl-host", "echo"], CpuGoal: 3, ThroughputGoal1M: 0.35, ThroughputGoal4K: 0.5),
        new("bench-hrev-echo", "`hrev://` echo", "hrev://", ["etl-host", "echo"], CpuGoal: 3, ThroughputGoal1M: 0.35, ThroughputGoal4K: 0.5),
        new("bench-ws-echo", "`ws://` echo", "ws://", ["etl-host", "echo"], CpuGoal: 3, ThroughputGoal1M: 0.35, ThroughputGoal4K: 0.5),
        new("bench-hpull-echo", "`hpull://` echo", "hpull://", ["etl-host", "echo"]),
        new("bench-hpush-fqn-echo", "`hpush://` + fqn echo", "hpush://", ["etl-host", "echo"], Fqn: true, CpuGoal: 2),
        new("bench-ws-fqn-echo", "`ws://` + fqn echo", "ws://", ["etl-host", "echo"], Fqn: true, CpuGoal: 2),
        new("bench-hpull-fqn-echo", "`hpull://` + fqn echo", "hpull://", ["etl-host", "echo"], Fqn: true, CpuGoal: 1.5, ThroughputGoal1M: 0.6),
        new("bench-hpush-md5", "`hpush://` md5", "hpush://", ["etl-host", "md5"], Md5: true),
        new("bench-ws-md5", "`ws://` md5", "ws://", ["etl-host", "md5"], Md5: true),
        new("bench-hpush-echo>>bench-ws-echo", "2-stage pipeline: `hpush://` echo >> `ws://` echo", "pipeline", []),
        new("bench-io-cat", "`io://` cat", "io://", ["cat"]),
        new("bench-io-echo", "`io://` echo (.NET `etl-host --stdio`)", "io://", ["etl-host", "echo", "--stdio"]),
        new("bench-py-hpush-echo", "`hpush://` echo, Python SDK", "hpush://", [], Python: true),
        new("bench-py-hrev-echo", "`hrev://` echo, Python SDK", "hrev://", [], Python: true),
        new("bench-py-ws-echo", "`ws://` echo, Python SDK", "ws://", [], Python: true),
        new("bench-py-io-echo", "`io://` echo, Python SDK (`--stdio`)", "io://", [], Python: true),
    ];

    // io:// starts a process per object (a .NET one takes most of a second of CPU on a busy 2-core machine): with the
    // short default window too few of its requests would complete inside it to count.
    private static readonly TimeSpan IoWindow = TimeSpan.FromSeconds(8);

    public string Key => "etl-inline";
    public string Title => "Inline ETL: overhead of each communicator over a plain GET";

    public async Task<ReportSection> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var silo = await context.SiloAsync(ct);
        using var http = HttpDownload.CreateLoadClient(context.Workers);
        var admin = new OaisAdmin(http, silo.HttpUrl);
        var plain = new AisHttpTarget(http, silo.HttpUrl, Bucket, "plain GET (baseline)");
        var throughput = new ResultTable(["size", "path"], "vs plain GET");
        var cpu = new TextTable(["size", "path", "server CPU ms/op", "extra CPU ms/op over plain GET", "CPU vs plain GET"], 2);
        var goals = new GoalTable();
        await plain.PrepareAsync(ct);
        try
        {
            foreach (var v in Variants.Where(v => !v.Pipeline))
            {
                BenchmarkContext.Log($"init ETL {v.Name} ({v.Communicator}{(v.Fqn ? " + fqn" : "")})");
                await admin.DeleteEtlAsync(v.Name, ct); // a leftover of an interrupted run would make the init a 409
                if (v.Python) await admin.InitEchoAsync(v.Name, v.Communicator, supportDirectPut: false, ct, python: true);
                else await admin.InitAsync(v.Name, v.Communicator, v.Command, v.Fqn, supportDirectPut: false, ct);
            }
            var targets = Variants.Select(v => new EtlReadTarget(http, plain, v.Name, v.Label)).ToList();

            foreach (var (size, bytes) in Sizes)
            {
                var objects = new ObjectSet($"obj-{bytes}", ObjectsPerSize, bytes);
                await objects.SeedAsync(plain, context.Workers, ct);
                for (var i = 0; i < targets.Count; i++) await VerifyAsync(http, plain, targets[i], Variants[i], objects.Name(0), ct);
                if (bytes == Sizes[0].Bytes)
                {
                    // A new transformer's code is still being compiled for seconds (tiered JIT; measured: 1.8x the CPU per
                    // object of its steady state after 2 s); that is start-up, not the communicator.
                    BenchmarkContext.Log($"warming up each transformer for {TransformerWarmUp.TotalSeconds:0} s");
                    for (var i = 0; i < targets.Count; i++)
                        if (!Variants[i].PerObjectProcess) await WarmUpAsync(targets[i], objects, context.Workers, ct);
                }

                var cells = new List<Cell> { new($"GET {size} {plain.Label}", objects.Gets(plain), silo.ProcessId) };
                cells.AddRange(targets.Select((t, i) => new Cell($"GET {size} {t.Label}", objects.Gets(t, Variants[i].Md5 ? Md5HexBytes : null), silo.ProcessId,
                    Variants[i].PerObjectProcess ? IoWindow : null)));
                var measured = await context.CompareAsync(cells, ct);

                var baseline = measured[0];
                throughput.AddBaseline([size, plain.Label], baseline);
                for (var i = 0; i < targets.Count; i++)
                {
                    var v = Variants[i];
                    var m = measured[i + 1];
                    throughput.Add([size, v.Label], m, baseline);
                    var cpuRatio = m.ServerCpuPerOperation / baseline.ServerCpuPerOperation;
                    cpu.Add(size, v.Label, Ms(m.ServerCpuPerOperation), Ms(m.ServerCpuPerOperation - baseline.ServerCpuPerOperation), Times(cpuRatio));
                    var opsRatio = m.OperationsPerSecond / baseline.OperationsPerSecond;
                    if (bytes == Mebibyte && v.CpuGoal is { } cpuGoal && cpuRatio is { } measuredCpu) goals.AtMost($"{size} {v.Label}: CPU vs plain GET", cpuGoal, measuredCpu);
                    var throughputGoal = bytes == Mebibyte ? v.ThroughputGoal1M : v.ThroughputGoal4K;
                    if (throughputGoal is { } tg) goals.AtLeast($"{size} {v.Label}: throughput vs plain GET", tg, opsRatio);
                }
            }
        }
        finally
        {
            foreach (var v in Variants.Where(v => !v.Pipeline)) await admin.DeleteEtlAsync(v.Name, CancellationToken.None);
        }

        return new ReportSection(Title)
            .Text($"""
                One silo process with the Process ETL runtime: each transformer is the built-in `etl-host` (`echo` returns the
                object byte for byte, `md5` its digest) or `cat`, running as a child process of the silo, one ETL per row,
                initialized with `PUT /v1/etl` before and deleted after. The silo reaches its transformers over Unix sockets
                (`Etl:UnixSockets`, on by default), and they reach the silo over its own. {ObjectsPerSize} objects per size in one
                bucket; every worker ({context.Workers}, one keep-alive connection each) GETs a random object to its end, either
                plainly (the baseline) or with `?etl_name=N`. Before the measurement one object per ETL is read whole and
                compared with the plain GET (byte for byte, or with its MD5); every measured read checks the byte count. Paths:

                - `hpush://`: the silo PUTs the object to the transformer's HTTP server (kept-alive connections) and streams the answer back.
                - `hpull://`: the silo answers 307 to the transformer; the client (HttpClient follows redirects, as
                  `curl -L` would) GETs from the transformer, which GETs the raw object from the silo.
                - `hrev://`: the silo forwards the GET to the transformer, which GETs the raw object from the silo.
                - `ws://`: the silo sends the object over a pooled WebSocket and gets the result back on it.
                - `+ fqn`: the spec's `argument: fqn`; instead of receiving the bytes the transformer reads the object's file
                  (with `hpull://` it then answers the client itself: the silo only redirects).
                - *2-stage pipeline*: `?etl_name=bench-hpush-echo>>bench-ws-echo`: the object goes through both echo
                  transformers on the silo, the first's output streamed into the second (a chunked PUT, then ws frames).
                - `io://`: the silo runs a command per object, object on stdin: `cat`, or a new .NET process
                  (`etl-host echo --stdio`), which shows what .NET start-up costs apart from the communicator.
                - *Python SDK*: a zero-image Python ETL (`runtime.python`) whose function is a streaming echo under
                  `oais_etl` (python3, standard library only), on the same communicators; `io://` runs
                  `python3 -m oais_etl --from-env --stdio` per object.

                *Server CPU ms/op* is the CPU time of the silo's process tree per request: the silo, the transformer
                processes, and for `io://` the per-object processes (counted once they exit). A 4 KiB row shows what a
                communicator costs per request, a 1 MiB row what it costs per byte moved. `io://` cells are measured
                over at least {IoWindow.TotalSeconds:0} s per round (longer than the others' {context.RoundWindow.TotalSeconds:0} s), so that enough of its
                slow requests complete inside the window. Throughput ratios are per object (a digest answers with 32 bytes).
                """)
            .Table(throughput)
            .Text("Server CPU per request, the same measurements (steadier than throughput when the load generator shares the cores):")
            .Table(cpu)
            .Text("The performance contract's inline figures (DESIGN.md §8), from the tables above:")
            .Table(goals.Table)
            .Text(File.Exists(ProfileNotes) ? File.ReadAllText(ProfileNotes).TrimEnd() : $"({ProfileNotes} is missing: no profile notes.)");
    }

    /// <summary>Where the CPU goes, from `bench/profile-etl.sh` (perf needs root and takes its own quiet minutes, so it is run apart).</summary>
    private const string ProfileNotes = "bench/where-the-cpu-goes.md";

    private static readonly TimeSpan TransformerWarmUp = TimeSpan.FromSeconds(4);

    private static async Task WarmUpAsync(EtlReadTarget target, ObjectSet objects, int workers, CancellationToken ct)
    {
        var until = DateTime.UtcNow + TransformerWarmUp;
        await Parallel.ForEachAsync(Enumerable.Range(0, workers), ct, async (_, token) =>
        {
            while (DateTime.UtcNow < until) await target.GetAsync(objects.Name(Random.Shared.Next(objects.Count)), token);
        });
    }

    // An echo that returned other bytes of the right length would pass the byte count of the load loop; check once in full.
    private static async Task VerifyAsync(HttpClient http, AisHttpTarget plain, EtlReadTarget etl, Variant variant, string name, CancellationToken ct)
    {
        var raw = await http.GetByteArrayAsync(plain.ObjectUrl(name), ct);
        var expected = variant.Md5 ? System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(MD5.HashData(raw))) : raw;
        var actual = await http.GetByteArrayAsync(etl.ObjectUrl(name), ct);
        if (!expected.AsSpan().SequenceEqual(actual))
            throw new InvalidDataException($"{etl.Label}: '{name}' came back as {actual.Length} bytes that differ from the expected {expected.Length} bytes");
    }

    private static string Ms(TimeSpan? t) => t is { } v ? v.TotalMilliseconds.ToString(v.TotalMilliseconds < 1 ? "F3" : "F2", CultureInfo.InvariantCulture) : "-";

    private static string Times(double? ratio) => ratio is { } r && double.IsFinite(r) ? $"**{r.ToString("F2", CultureInfo.InvariantCulture)}x**" : "-";

}
