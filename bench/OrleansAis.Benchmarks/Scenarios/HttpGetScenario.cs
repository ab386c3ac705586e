using OrleansAis.Benchmarks.Harness;
using OrleansAis.Benchmarks.Hosting;
using OrleansAis.Benchmarks.Reporting;
using OrleansAis.Benchmarks.Targets;

namespace OrleansAis.Benchmarks.Scenarios;

/// <summary>
/// GET of 1 MiB objects through the AIS-style HTTP API against nginx serving the same files from the same disk,
/// both driven by the same HttpClient load loop (the same client on both sides keeps the comparison fair), and by
/// wrk when it is installed.
/// </summary>
public sealed class HttpGetScenario : IScenario
{
    private const int ObjectCount = 256;
    private const int ObjectBytes = 1 << 20;

    public string Key => "http-get";
    public string Title => "HTTP GET of 1 MiB objects: OrleansAis vs nginx";

    public async Task<ReportSection> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var silo = await context.SiloAsync(ct);
        var nginxRoot = context.Folder("http-get-nginx-root");
        await using var nginx = await NginxServer.StartAsync(context.Settings.NginxBinary, nginxRoot, context.Folder("http-get-nginx"), ct);
        using var http = HttpDownload.CreateLoadClient(context.Workers);
        var reference = new StaticFilesTarget(http, nginx.Url, nginxRoot, $"nginx {nginx.Version} (static files)");
        var oais = new AisHttpTarget(http, silo.HttpUrl, "bench-http-get", "OrleansAis `GET /v1/objects/{bucket}/{name}`");
        var objects = new ObjectSet("obj", ObjectCount, ObjectBytes);
        foreach (var target in new IHttpObjectTarget[] { reference, oais })
        {
            await target.PrepareAsync(ct);
            await objects.SeedAsync(target, context.Workers, ct);
        }

        var measured = await context.CompareAsync(
        [
            new Cell($"GET 1 MiB {reference.Label}", objects.Gets(reference), nginx.ProcessId),
            new Cell($"GET 1 MiB {oais.Label}", objects.Gets(oais), silo.ProcessId),
        ], ct);
        nginx.EnsureRunning();
        var loop = new ResultTable(["server"], "vs nginx");
        loop.AddBaseline([reference.Label], measured[0]);
        loop.Add([oais.Label], measured[1], measured[0]);
        var cpuRatios = new List<(string Client, double? Ratio)> { ("the C# loop", CpuRatio(measured[1], measured[0])) };

        var section = new ReportSection(Title)
            .Text($"""
                {ObjectCount} objects of 1 MiB, PUT once through `PUT /v1/objects` and, as plain files, into nginx's root
                on the same disk (both sets fit in the page cache). One silo process, so every GET is answered by the
                owner from its own disk. nginx runs `worker_processes auto`, `sendfile on`, `access_log off`, `listen ... reuseport`. Both are
                measured by the same C# HttpClient load loop (the primary number): {context.Workers} workers, each on its
                own keep-alive connection, GET a random object and read the whole body. *Server CPU ms/op* is the CPU time
                the server process (nginx: master and workers) used during the measured window per request: unlike
                throughput, it hardly depends on how the two cores were shared with the load generator.
                """)
            .Table(loop);

        if (WrkLoad.Find(context.Settings.WrkBinary) is not { } wrk)
            return section.Text($"wrk (`{context.Settings.WrkBinary}`) was not found, so there is no cross-check with a second client in this run.")
                .Text(CpuSummary(cpuRatios));
        var wrkTable = new ResultTable(["server"], "vs nginx");
        var nginxWrk = await MeasureWithWrkAsync(context, wrk, reference, nginx.ProcessId, objects, ct);
        var oaisWrk = await MeasureWithWrkAsync(context, wrk, oais, silo.ProcessId, objects, ct);
        wrkTable.AddBaseline([reference.Label], nginxWrk);
        wrkTable.Add([oais.Label], oaisWrk, nginxWrk);
        cpuRatios.Add(("wrk", CpuRatio(oaisWrk, nginxWrk)));
        return section
            .Text($"""
                Cross-check with an independent client, wrk ({Math.Min(context.Workers, Environment.ProcessorCount)} threads,
                {context.Workers} connections, same objects; one warm-up and one measured pass per server). wrk reads
                responses in 8 KiB pieces, so for 1 MiB bodies it is not a lighter client than the C# loop; it is here to
                show whether the ratio hinges on one client's implementation.
                """)
            .Table(wrkTable)
            .Text(CpuSummary(cpuRatios));
    }

    private static double? CpuRatio(Measurement oais, Measurement nginx) =>
        oais.ServerCpuPerOperation / nginx.ServerCpuPerOperation;

    // Throughput ratios move with how the two cores happen to be shared; CPU per request is the steadier comparison.
    private static string CpuSummary(IEnumerable<(string Client, double? Ratio)> ratios) =>
        "CPU time per 1 MiB GET, silo vs nginx (steadier than throughput on a shared 2-core machine, where throughput also "
        + "depends on how the cores happened to be shared): "
        + string.Join(", ", ratios.Select(r => $"**{(r.Ratio is { } x ? $"{x:F2}x" : "n/a")}** with {r.Client}")) + ". "
        + "A server that needs k times nginx's CPU per request can serve about 1/k of nginx's throughput when CPU-bound.";

    private static async Task<Measurement> MeasureWithWrkAsync(BenchmarkContext context, WrkLoad wrk, IHttpObjectTarget target, int serverPid,
        ObjectSet objects, CancellationToken ct)
    {
        Console.Write($"  {"wrk: GET 1 MiB " + target.Label,-60} ");
        var urls = Enumerable.Range(0, objects.Count).Select(i => target.ObjectUrl(objects.Name(i))).ToList();
        var result = await wrk.RunAsync(urls, objects.Size, context.Settings.Load, serverPid, context.Folder("wrk"), ct);
        Console.WriteLine(result);
        return result;
    }
}
