using OrleansAis.Benchmarks.Harness;
using OrleansAis.Benchmarks.Reporting;
using OrleansAis.Benchmarks.Targets;
using OrleansAis.Client;

namespace OrleansAis.Benchmarks.Scenarios;

/// <summary>
/// Put and get of small and large objects through the .NET client library, over both object transports, against plain
/// file writes and reads on the same disk (the least work a durable store could do for the same requests).
/// </summary>
public sealed class ClientApiScenario : IScenario
{
    private const int ObjectsPerSize = 128;

    private static readonly (string Label, int Bytes)[] Sizes = [("4 KiB", 4 << 10), ("1 MiB", 1 << 20)];
    private static readonly string[] Operations = ["put", "get"];

    public string Key => "client-api";
    public string Title => "Client API: put and get through OaisClient";

    public async Task<ReportSection> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var silo = await context.SiloAsync(ct);
        await using var grainSession = await OaisClientSession.ConnectAsync(silo, ObjectTransport.Grain, ct);
        await using var httpSession = await OaisClientSession.ConnectAsync(silo, ObjectTransport.Http, ct);
        using var http = HttpDownload.CreateLoadClient(context.Workers);
        var baseline = new LocalFileTarget(context.Folder("client-api-files"));
        IObjectTarget[] targets =
        [
            baseline,
            new OaisClientTarget(grainSession.Client, "bench-client-grain", "OaisClient, grain chunks"),
            new OaisClientTarget(httpSession.Client, "bench-client-http", "OaisClient, HTTP from the owner"),
            new AisHttpTarget(http, silo.HttpUrl, "bench-http-plain", "HTTP API, plain HttpClient (no client library)"),
        ];

        foreach (var target in targets) await target.PrepareAsync(ct);
        var results = new Dictionary<(IObjectTarget, string Size, string Operation), Measurement>();
        foreach (var (size, bytes) in Sizes)
        {
            var objects = new ObjectSet($"obj-{bytes}", ObjectsPerSize, bytes);
            foreach (var target in targets) await objects.SeedAsync(target, context.Workers, ct);
            foreach (var operation in Operations)
            {
                var cells = targets.Select(target => new Cell(
                    $"{operation} {size} {target.Label}",
                    operation == "put" ? objects.Puts(target, context.Workers) : objects.Gets(target),
                    target == baseline ? null : silo.ProcessId)).ToList(); // the baseline has no server process
                var measured = await context.CompareAsync(cells, ct);
                for (var i = 0; i < targets.Length; i++) results[(targets[i], size, operation)] = measured[i];
            }
        }

        var table = new ResultTable(["operation", "size", "path"], "vs local files");
        foreach (var operation in Operations)
        foreach (var (size, _) in Sizes)
        {
            var reference = results[(baseline, size, operation)];
            table.AddBaseline([operation, size, baseline.Label], reference);
            foreach (var target in targets.Where(t => t != baseline))
                table.Add([operation, size, target.Label], results[(target, size, operation)], reference);
        }

        return new ReportSection(Title)
            .Text($"""
                One silo process; the client is an Orleans client in the harness process (gateway on loopback). Each cell
                works on {ObjectsPerSize} objects of the given size: puts overwrite the worker's own objects in turn, gets
                read random ones (whole object, every byte received). Paths:

                - *local files*: the baseline, plain files on the silo's disk; a put writes a temp file, fsyncs it and
                  renames it over the name (what an atomic durable write needs at least), a get reads the file.
                - *OaisClient, grain chunks*: `ObjectTransport.Grain`, bytes in bounded 1 MiB grain calls through the gateway.
                - *OaisClient, HTTP from the owner*: `ObjectTransport.Http`, the client computes the owner from its node
                  list (no call per object) and the bytes stream over the owner's HTTP API.
                - *HTTP API, plain HttpClient*: the same requests straight to `/v1/objects` (what the client library adds
                  on top of HTTP).

                *Server CPU ms/op* is the CPU time the silo process used during the measured window per operation.

                The store's put does more than the baseline (checksum, a metadata file with its own fsync and rename,
                the listing index), so a put ratio below 1 is expected. The get baseline is an in-process read from the
                page cache (a memory copy), so the get ratios show what a network request costs on top (loopback TCP plus
                HTTP or Orleans messaging, a second process); compare the paths with each other there.
                """)
            .Table(table);
    }
}
