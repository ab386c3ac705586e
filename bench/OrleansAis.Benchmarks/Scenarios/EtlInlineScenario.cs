using System.Globalization;
using OrleansAis.Benchmarks.Harness;
using OrleansAis.Benchmarks.Reporting;
using OrleansAis.Benchmarks.Targets;

namespace OrleansAis.Benchmarks.Scenarios;

/// <summary>
/// The overhead of each ETL communicator over a plain GET: one echo ETL per communicator on one silo (transformers as
/// its child processes), inline reads of the same objects through each, compared with plain reads in the same run.
/// With <paramref name="python"/> the transformers are the Python SDK's streaming echo (runtime.python) instead of the
/// C# etl-host: the cost of the Python host per communicator.
/// </summary>
public sealed class EtlInlineScenario(bool python = false) : IScenario
{
    private const int ObjectsPerSize = 64;
    private const string Bucket = "bench-etl-inline";

    private static readonly (string Label, int Bytes)[] Sizes = [("1 MiB", 1 << 20), ("4 KiB", 4 << 10)];
    private static readonly string[] Communicators = ["hpush://", "hpull://", "hrev://", "ws://", "io://"];

    // io:// starts a .NET process per object (most of a second of CPU on a busy 2-core machine): with the short
    // default window too few of its requests would complete inside it to count.
    private static readonly TimeSpan IoWindow = TimeSpan.FromSeconds(8);

    public string Key => python ? "etl-inline-python" : "etl-inline";
    public string Title => python
        ? "Inline ETL with the Python SDK: overhead of each communicator over a plain GET"
        : "Inline ETL: overhead of each communicator over a plain GET";

    private string TransformerText => python
        ? "a zero-image Python ETL (`runtime.python`) whose function is a streaming echo under `oais_etl` (python3, standard library only)"
        : "the built-in `etl-host echo`";

    private string IoText => python
        ? "the silo runs `python3 -m oais_etl --from-env --stdio` per object (a new Python process each time), object on stdin."
        : "the silo runs `etl-host echo --stdio` per object (a new .NET process each time), object on stdin.";

    public async Task<ReportSection> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var silo = await context.SiloAsync(ct);
        using var http = HttpDownload.CreateLoadClient(context.Workers);
        var admin = new OaisAdmin(http, silo.HttpUrl);
        var plain = new AisHttpTarget(http, silo.HttpUrl, Bucket, "plain GET (baseline)");
        var etls = Communicators.Select(c => (Communicator: c, Name: EtlName(c))).ToList();
        var throughput = new ResultTable(["size", "path"], "vs plain GET");
        var cpu = new TextTable(["size", "communicator", "server CPU ms/op", "extra CPU ms/op over plain GET", "CPU vs plain GET"], 2);
        await plain.PrepareAsync(ct);
        try
        {
            foreach (var (communicator, name) in etls)
            {
                BenchmarkContext.Log($"init echo ETL {name} ({communicator})");
                await admin.DeleteEtlAsync(name, ct); // a leftover of an interrupted run would make the init a 409
                await admin.InitEchoAsync(name, communicator, supportDirectPut: false, ct, python);
            }
            var targets = etls.Select(e => new EtlReadTarget(http, plain, e.Name, $"`{e.Communicator}` echo")).ToList();

            foreach (var (size, bytes) in Sizes)
            {
                var objects = new ObjectSet($"obj-{bytes}", ObjectsPerSize, bytes);
                await objects.SeedAsync(plain, context.Workers, ct);
                foreach (var target in targets) await VerifyEchoAsync(http, plain, target, objects.Name(0), ct);

                var cells = new List<Cell> { new($"GET {size} {plain.Label}", objects.Gets(plain), silo.ProcessId) };
                cells.AddRange(targets.Select((t, i) => new Cell($"GET {size} {t.Label}", objects.Gets(t), silo.ProcessId,
                    etls[i].Communicator == "io://" ? IoWindow : null)));
                var measured = await context.CompareAsync(cells, ct);

                throughput.AddBaseline([size, plain.Label], measured[0]);
                for (var i = 0; i < targets.Count; i++)
                {
                    throughput.Add([size, targets[i].Label], measured[i + 1], measured[0]);
                    cpu.Add(size, $"`{etls[i].Communicator}`", Ms(measured[i + 1].ServerCpuPerOperation),
                        Ms(measured[i + 1].ServerCpuPerOperation - measured[0].ServerCpuPerOperation),
                        Ratio(measured[i + 1].ServerCpuPerOperation, measured[0].ServerCpuPerOperation));
                }
            }
        }
        finally
        {
            foreach (var (_, name) in etls) await admin.DeleteEtlAsync(name, CancellationToken.None);
        }

        return new ReportSection(Title)
            .Text($"""
                One silo process with the Process ETL runtime: each transformer is {TransformerText} (returns the
                object byte for byte) running as a child process of the silo, one ETL per communicator, initialized with
                `PUT /v1/etl` before and deleted after. {ObjectsPerSize} objects per size in one bucket; every worker
                ({context.Workers}, one keep-alive connection each) GETs a random object to its end, either plainly (the
                baseline) or with `?etl_name=N`. Before the measurement one object per ETL is read whole and compared
                byte for byte with the plain GET; every measured read checks the byte count. Paths:

                - `hpush://`: the silo PUTs the object to the transformer's HTTP server and streams the answer back.
                - `hpull://`: the silo answers 307 to the transformer; the client (HttpClient follows redirects, as
                  `curl -L` would) GETs from the transformer, which GETs the raw object from the silo.
                - `hrev://`: the silo forwards the GET to the transformer, which GETs the raw object from the silo.
                - `ws://`: the silo sends the object over a pooled WebSocket and gets the result back on it.
                - `io://`: {IoText}

                *Server CPU ms/op* is the CPU time of the silo's process tree per request: the silo, the transformer
                processes, and for `io://` the per-object processes (counted once they exit). A 4 KiB row shows what a
                communicator costs per request, a 1 MiB row what it costs per byte moved. `io://` cells are measured
                over at least {IoWindow.TotalSeconds:0} s per round (longer than the others' {context.RoundWindow.TotalSeconds:0} s), so that enough of its
                slow requests complete inside the window.
                """)
            .Table(throughput)
            .Text("Server CPU per request, the same measurements (steadier than throughput when the load generator shares the cores):")
            .Table(cpu);
    }

    private string EtlName(string communicator) => $"bench-{(python ? "py" : "echo")}-{communicator[..^3]}";

    // An echo that returned other bytes of the right length would pass the byte count of the load loop; check once in full.
    private static async Task VerifyEchoAsync(HttpClient http, AisHttpTarget plain, EtlReadTarget etl, string name, CancellationToken ct)
    {
        var expected = await http.GetByteArrayAsync(plain.ObjectUrl(name), ct);
        var actual = await http.GetByteArrayAsync(etl.ObjectUrl(name), ct);
        if (!expected.AsSpan().SequenceEqual(actual))
            throw new InvalidDataException($"{etl.Label}: '{name}' came back as {actual.Length} bytes that differ from the object ({expected.Length} bytes)");
    }

    private static string Ms(TimeSpan? t) => t is { } v ? v.TotalMilliseconds.ToString(v.TotalMilliseconds < 1 ? "F3" : "F2", CultureInfo.InvariantCulture) : "-";

    private static string Ratio(TimeSpan? value, TimeSpan? baseline) =>
        value is { } v && baseline is { Ticks: > 0 } b ? $"**{(v / b).ToString("F2", CultureInfo.InvariantCulture)}x**" : "-";
}
