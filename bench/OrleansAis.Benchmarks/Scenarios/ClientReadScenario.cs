using System.Diagnostics;
using OrleansAis.Benchmarks.Harness;
using OrleansAis.Benchmarks.Reporting;
using OrleansAis.Benchmarks.Targets;
using OrleansAis.Client;

namespace OrleansAis.Benchmarks.Scenarios;

/// <summary>
/// Reads through the .NET client's HTTP transport against plain HttpClient GETs to the owner: single objects
/// (GetObjectAsync, OpenReadAsync), and a dataset pass with ReadManyAsync, raw and through an echo ETL.
/// </summary>
public sealed class ClientReadScenario : IScenario
{
    private const int ObjectsPerSize = 128;
    private const int DatasetObjects = 1000;
    private const int DatasetObjectBytes = 1 << 20;
    private const string Bucket = "bench-client-read";
    private const string DatasetBucket = "bench-client-dataset";
    private const string EchoEtl = "bench-client-echo";
    private const double SingleReadGoal = 0.9;

    private static readonly (string Label, int Bytes)[] Sizes = [("4 KiB", 4 << 10), ("1 MiB", 1 << 20)];

    public string Key => "client-read";
    public string Title => "Client reads: OaisClient over HTTP against plain HttpClient to the owner";

    public async Task<ReportSection> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var silo = await context.SiloAsync(ct);
        using var http = HttpDownload.CreateLoadClient(context.Workers);
        using var client = new OaisClient(silo.HttpUrl);
        var admin = new OaisAdmin(http, silo.HttpUrl);
        var plain = new AisHttpTarget(http, silo.HttpUrl, Bucket, "plain HttpClient GET to the owner (baseline)");
        IObjectTarget[] targets =
        [
            plain,
            new OaisReadTarget(client, Bucket, openRead: false, "OaisClient.GetObjectAsync"),
            new OaisReadTarget(client, Bucket, openRead: true, "OaisClient.OpenReadAsync"),
        ];
        await plain.PrepareAsync(ct);
        var single = new ResultTable(["size", "path"], "vs plain HttpClient");
        var goals = new GoalTable();
        foreach (var (size, bytes) in Sizes)
        {
            var objects = new ObjectSet($"obj-{bytes}", ObjectsPerSize, bytes);
            await objects.SeedAsync(plain, context.Workers, ct);
            var measured = await context.CompareAsync(targets.Select(t => new Cell($"GET {size} {t.Label}", objects.Gets(t), silo.ProcessId)).ToList(), ct);
            single.AddBaseline([size, plain.Label], measured[0]);
            for (var i = 1; i < targets.Length; i++)
            {
                single.Add([size, targets[i].Label], measured[i], measured[0]);
                goals.AtLeast($"{size} {targets[i].Label}: throughput vs plain HttpClient", SingleReadGoal,
                    measured[i].OperationsPerSecond / measured[0].OperationsPerSecond);
            }
        }

        var dataset = new TextTable(["pass", "objects/s", "MiB/s", "seconds per pass", "vs plain parallel GETs"], 1);
        await admin.CreateBucketAsync(DatasetBucket, ct);
        await admin.DeleteEtlAsync(EchoEtl, ct); // a leftover of an interrupted run would make the init a 409
        await admin.InitAsync(EchoEtl, "hpush://", ["etl-host", "echo"], fqn: false, supportDirectPut: false, ct);
        try
        {
            var names = Enumerable.Range(0, DatasetObjects).Select(i => $"sample-{i:D5}").ToList();
            var content = new byte[DatasetObjectBytes];
            Random.Shared.NextBytes(content);
            BenchmarkContext.Log($"writing {DatasetObjects} x 1 MiB for the ReadManyAsync passes");
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = context.Workers, CancellationToken = ct },
                async (name, token) => await client.PutObjectAsync(DatasetBucket, name, new MemoryStream(content, writable: false), ct: token));

            var raw = new AisHttpTarget(http, silo.HttpUrl, DatasetBucket, "");
            var echo = new EtlReadTarget(http, raw, EchoEtl, "");
            Func<CancellationToken, Task<long>>[] passes =
            [
                token => PlainPassAsync(raw, names, context.Workers, token),
                token => ReadManyPassAsync(client, names, new ReadManyOptions { Parallelism = context.Workers }, token),
                token => ReadManyPassAsync(client, names, new ReadManyOptions { Parallelism = context.Workers, Ordered = true }, token),
                token => PlainPassAsync(echo, names, context.Workers, token),
                token => ReadManyPassAsync(client, names, new ReadManyOptions { Parallelism = context.Workers, Etl = EchoEtl }, token),
            ];
            string[] labels =
            [
                "plain HttpClient, parallel GETs (baseline)", "ReadManyAsync, unordered", "ReadManyAsync, ordered",
                "plain HttpClient, parallel GETs with etl_name=echo (baseline)", "ReadManyAsync through the echo ETL, unordered",
            ];
            var seconds = await TimePassesAsync(passes, labels, context.Settings.Rounds, ct);
            for (var i = 0; i < passes.Length; i++)
            {
                var baseline = i < 3 ? seconds[0] : seconds[3];
                dataset.Add(labels[i], $"{DatasetObjects / seconds[i]:F0}", $"{DatasetObjects * (DatasetObjectBytes / (1024.0 * 1024)) / seconds[i]:F0}",
                    $"{seconds[i]:F2}", i is 0 or 3 ? "1.00 (baseline)" : $"**{baseline / seconds[i]:F2}**");
            }
        }
        finally
        {
            await admin.DeleteEtlAsync(EchoEtl, CancellationToken.None);
            await admin.DropBucketAsync(DatasetBucket, CancellationToken.None);
        }

        return new ReportSection(Title)
            .Text($"""
                One silo process (so every object's owner is that silo) and the client library in the harness process over
                HTTP only (`new OaisClient(endpoint)`: no Orleans client; it loads the node list from `GET /v1/cluster` once
                and computes each object's owner itself, with no call per object). Single reads: {ObjectsPerSize} objects per
                size, every worker ({context.Workers}) reads a random object to its end through

                - *plain HttpClient GET to the owner*: the baseline, `GET /v1/objects/...` with a tuned `HttpClient`;
                - *OaisClient.GetObjectAsync*: copies the object into a counting sink;
                - *OaisClient.OpenReadAsync*: reads the returned `Stream` to its end.

                The goal is at least {SingleReadGoal:0.0}x the baseline's throughput (before this client computed owners
                itself it paid a `Locate` grain call per object and reached 0.56-0.79x).
                """)
            .Table(single)
            .Table(goals.Table)
            .Text($"""
                Dataset passes: {DatasetObjects} objects of 1 MiB read once each with {context.Workers} reads in flight, timed
                whole ({Math.Max(context.Settings.Rounds, 3)} passes each, alternating order, the best kept). `ReadManyAsync` holds each
                object in a pooled buffer until the loop has consumed it (bounded memory: about twice the parallelism of
                objects); the baseline `Parallel.ForEachAsync` GETs drain each body into a scratch buffer. The ETL rows run
                `etl-host echo` over `hpush://` on the silo.
                """)
            .Table(dataset);
    }

    private static async Task<double[]> TimePassesAsync(Func<CancellationToken, Task<long>>[] passes, string[] labels, int rounds, CancellationToken ct)
    {
        var best = passes.Select(_ => double.MaxValue).ToArray();
        for (var round = 0; round < Math.Max(rounds, 3); round++)
        {
            var order = Enumerable.Range(0, passes.Length);
            foreach (var i in round % 2 == 0 ? order : order.Reverse())
            {
                var clock = Stopwatch.StartNew();
                var bytes = await passes[i](ct);
                var elapsed = clock.Elapsed.TotalSeconds;
                if (bytes != (long)DatasetObjects * DatasetObjectBytes)
                    throw new InvalidDataException($"{labels[i]}: read {bytes} bytes, expected {(long)DatasetObjects * DatasetObjectBytes}");
                BenchmarkContext.Log($"  {labels[i],-62} {elapsed:F2} s");
                best[i] = Math.Min(best[i], elapsed);
            }
        }
        return best;
    }

    private static async Task<long> PlainPassAsync(IObjectTarget target, IReadOnlyList<string> names, int parallelism, CancellationToken ct)
    {
        long total = 0;
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
            async (name, token) => Interlocked.Add(ref total, await target.GetAsync(name, token)));
        return total;
    }

    private static async Task<long> ReadManyPassAsync(OaisClient client, IReadOnlyList<string> names, ReadManyOptions options, CancellationToken ct)
    {
        long total = 0;
        await foreach (var read in client.ReadManyAsync(DatasetBucket, names, options, ct))
            using (read) total += read.Length;
        return total;
    }
}
