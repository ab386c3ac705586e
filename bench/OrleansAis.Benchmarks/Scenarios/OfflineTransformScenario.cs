using System.Diagnostics;
using System.Globalization;
using OrleansAis.Benchmarks.Harness;
using OrleansAis.Benchmarks.Hosting;
using OrleansAis.Benchmarks.Reporting;
using OrleansAis.Benchmarks.Targets;
using OrleansAis.Jobs;

namespace OrleansAis.Benchmarks.Scenarios;

/// <summary>
/// Offline echo transform of a whole bucket of 1 MiB objects on a cluster of several silo processes: a job whose ETL
/// puts results straight to the destination owners, the same job with results forwarded by the source silo, a
/// client-side pipeline (GET, transform in the client, PUT), and a plain file copy of the same bytes on the same disk.
/// </summary>
public sealed class OfflineTransformScenario : IScenario
{
    private const int ObjectBytes = 1 << 20;
    // What a job does by default on each silo (num_workers absent); every path moves this many objects at a time per silo.
    private static readonly int WorkersPerSilo = EtlJobRequest.WorkersFor(Environment.ProcessorCount);
    private const string SourceBucket = "bench-offline-src";
    private const string DirectEtl = "bench-offline-direct";
    private const string ForwardEtl = "bench-offline-forward";
    private const string FqnEtl = "bench-offline-fqn";

    public string Key => "etl-offline";
    public string Title => "Offline transform: echo job vs client-side pipeline vs file copy";

    public async Task<ReportSection> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var settings = context.Settings.Offline;
        var parallel = settings.Silos * WorkersPerSilo;
        BenchmarkContext.Log($"starting {settings.Silos} silo processes with the Process ETL runtime ...");
        await using var cluster = await SiloCluster.StartAsync(context.Settings.Silo, context.Folder("offline-cluster"), settings.Silos, ct);
        using var http = HttpDownload.CreateLoadClient(parallel);
        var admin = new OaisAdmin(http, cluster.HttpUrl);
        var objects = new ObjectSet("obj", settings.Objects, ObjectBytes);

        BenchmarkContext.Log($"writing {settings.Objects} x 1 MiB objects and files ...");
        var source = new AisHttpTarget(http, cluster.HttpUrl, SourceBucket, "source");
        await source.PrepareAsync(ct);
        await objects.SeedAsync(source, parallel, ct);
        var sourceFiles = context.Folder("offline-files-src");
        var files = new LocalFileTarget(sourceFiles);
        await objects.SeedAsync(files, parallel, ct);
        try
        {
            await admin.InitEchoAsync(DirectEtl, "hpush://", supportDirectPut: true, ct);
            await admin.InitEchoAsync(ForwardEtl, "hpush://", supportDirectPut: false, ct);
            await admin.InitAsync(FqnEtl, "hpush://", ["etl-host", "echo"], fqn: true, supportDirectPut: true, ct);
            var copies = context.Folder("offline-files-copies");
            var expected = (Objects: (long)settings.Objects, Bytes: (long)settings.Objects * ObjectBytes);
            OfflinePath[] paths =
            [
                new("plain file copy (baseline)",
                    run => FileCopy.CopyAllAsync(sourceFiles, Path.Combine(copies, $"{run}"), parallel, ct),
                    run => VerifyAndDeleteFolderAsync(Path.Combine(copies, $"{run}"), expected)),
                new("job, ETL with `support_direct_put: true`",
                    run => RunJobAsync(admin, DirectEtl, $"bench-offline-direct-{run}", settings.Objects, ct),
                    run => VerifyAndDropBucketAsync(admin, $"bench-offline-direct-{run}", expected, ct)),
                new("job, ETL with `support_direct_put: false`",
                    run => RunJobAsync(admin, ForwardEtl, $"bench-offline-forward-{run}", settings.Objects, ct),
                    run => VerifyAndDropBucketAsync(admin, $"bench-offline-forward-{run}", expected, ct)),
                new("job, ETL with `argument: fqn` and `support_direct_put: true`",
                    run => RunJobAsync(admin, FqnEtl, $"bench-offline-fqn-{run}", settings.Objects, ct),
                    run => VerifyAndDropBucketAsync(admin, $"bench-offline-fqn-{run}", expected, ct)),
                new("client-side pipeline (GET, transform, PUT)",
                    run => ClientPipelineAsync(http, cluster, admin, objects, $"bench-offline-client-{run}", parallel, ct),
                    run => VerifyAndDropBucketAsync(admin, $"bench-offline-client-{run}", expected, ct)),
            ];
            var runs = paths.Select(_ => new List<OfflineRun>()).ToArray();
            for (var repeat = 0; repeat < settings.Repeats; repeat++)
            {
                var order = Enumerable.Range(0, paths.Length);
                foreach (var i in repeat % 2 == 0 ? order : order.Reverse())
                {
                    Console.Write($"  {paths[i].Label,-62} ");
                    var cpuBefore = MachineWorkCpu(cluster);
                    var clock = Stopwatch.StartNew();
                    await paths[i].RunAsync(repeat);
                    var run = new OfflineRun(clock.Elapsed, MachineWorkCpu(cluster) - cpuBefore);
                    Console.WriteLine($"{run.Elapsed.TotalSeconds,7:F2} s {expected.Bytes / (1024.0 * 1024.0) / run.Elapsed.TotalSeconds,8:F1} MiB/s"
                        + $"  CPU {run.Cpu.TotalMilliseconds / settings.Objects:F2} ms/object");
                    await paths[i].VerifyAndCleanAsync(repeat); // outside the timing
                    cluster.EnsureRunning();
                    runs[i].Add(run);
                }
            }
            return Report(settings, paths, runs);
        }
        finally
        {
            await admin.DeleteEtlAsync(DirectEtl, CancellationToken.None);
            await admin.DeleteEtlAsync(ForwardEtl, CancellationToken.None);
            await admin.DeleteEtlAsync(FqnEtl, CancellationToken.None);
        }
    }

    /// <summary>Starts the job and waits for it; the job's own count must match before its output is even listed.</summary>
    private static async Task RunJobAsync(OaisAdmin admin, string etl, string destination, int objects, CancellationToken ct)
    {
        var status = await admin.RunJobAsync(etl, SourceBucket, destination, workersPerSilo: null, ct);
        var transformed = status.Objects;
        if (transformed != objects) throw new InvalidDataException($"job {etl} transformed {transformed} objects, expected {objects}: {status}");
    }

    /// <summary>
    /// GET every source object (307 to its owner, followed), stream it through the identity transform into a PUT of
    /// the destination object; <paramref name="parallel"/> objects at a time, spread over the silos in turn.
    /// </summary>
    private static async Task ClientPipelineAsync(HttpClient http, SiloCluster cluster, OaisAdmin admin, ObjectSet objects, string destination,
        int parallel, CancellationToken ct)
    {
        await admin.CreateBucketAsync(destination, ct);
        var sources = cluster.Silos.Select(s => new AisHttpTarget(http, s.HttpUrl, SourceBucket, "source")).ToArray();
        var destinations = cluster.Silos.Select(s => new AisHttpTarget(http, s.HttpUrl, destination, "destination")).ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(0, objects.Count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct },
            async (i, token) =>
            {
                var silo = i % cluster.Silos.Count;
                var name = objects.Name(i);
                using var get = await http.GetAsync(sources[silo].ObjectUrl(name), HttpCompletionOption.ResponseHeadersRead, token);
                get.EnsureSuccessStatusCode();
                await using var transformed = new PassThroughStream(await get.Content.ReadAsStreamAsync(token));
                using var body = new StreamContent(transformed);
                body.Headers.ContentLength = get.Content.Headers.ContentLength; // echo keeps the length, so the PUT can announce it
                using var put = await http.PutAsync(destinations[silo].ObjectUrl(name), body, token);
                if (!put.IsSuccessStatusCode)
                    throw new HttpRequestException($"PUT {destination}/{name}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync(token)}");
                if (transformed.Transferred != objects.Size)
                    throw new InvalidDataException($"client pipeline moved {transformed.Transferred} bytes of '{name}', expected {objects.Size}");
            });
    }

    private static async Task VerifyAndDropBucketAsync(OaisAdmin admin, string bucket, (long Objects, long Bytes) expected, CancellationToken ct)
    {
        var found = await admin.CountAsync(bucket, ct);
        if (found != expected)
            throw new InvalidDataException($"bucket {bucket} holds {found.Objects} objects, {found.Bytes} bytes; expected {expected.Objects}, {expected.Bytes}");
        await admin.DropBucketAsync(bucket, ct);
    }

    private static Task VerifyAndDeleteFolderAsync(string folder, (long Objects, long Bytes) expected)
    {
        var files = new DirectoryInfo(folder).GetFiles();
        var found = ((long)files.Length, files.Sum(f => f.Length));
        if (found != expected)
            throw new InvalidDataException($"{folder} holds {found.Item1} files, {found.Item2} bytes; expected {expected.Objects}, {expected.Bytes}");
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    // Everything this comparison makes the machine do: the silos with their transformers, and the harness itself
    // (the client pipeline and the file copy run in it). Other processes on the shared machine are left out.
    private static TimeSpan MachineWorkCpu(SiloCluster cluster) =>
        cluster.Silos.Aggregate(Process.GetCurrentProcess().TotalProcessorTime, (sum, silo) => sum + ProcessTreeCpu.Of(silo.ProcessId));

    private static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private ReportSection Report(OfflineSettings settings, OfflinePath[] paths, List<OfflineRun>[] runs)
    {
        var mib = settings.Objects * (double)ObjectBytes / (1 << 20);
        var medians = runs.Select(r => (Elapsed: Median(r.Select(x => x.Elapsed)), Cpu: Median(r.Select(x => x.Cpu)))).ToArray();
        var baseline = medians[0].Elapsed;
        var table = new TextTable(["path", "runs (s)", "median s", "MiB/s", "objects/s", "CPU ms/object", "vs file copy"], 1);
        for (var i = 0; i < paths.Length; i++)
        {
            var (elapsed, cpu) = medians[i];
            table.Add(paths[i].Label, string.Join(", ", runs[i].Select(r => F(r.Elapsed.TotalSeconds, "F2"))), F(elapsed.TotalSeconds, "F2"),
                F(mib / elapsed.TotalSeconds, "F1"), F(settings.Objects / elapsed.TotalSeconds, "F1"), F(cpu.TotalMilliseconds / settings.Objects, "F2"),
                i == 0 ? "**1.00 (baseline)**" : $"**{F(baseline / elapsed, "F2")}**");
        }
        // The performance contract (DESIGN.md §8): each job at least 0.5x the file copy and 1.5x the client pipeline.
        var pipeline = medians[^1].Elapsed;
        var goals = new GoalTable();
        for (var i = 1; i < paths.Length - 1; i++)
        {
            var (elapsed, _) = medians[i];
            goals.AtLeast($"{paths[i].Label} vs file copy", 0.5, baseline / elapsed);
            goals.AtLeast($"{paths[i].Label} vs client-side pipeline", 1.5, pipeline / elapsed);
        }
        return new ReportSection(Title)
            .Text($"""
                {settings.Objects} objects of 1 MiB ({mib:F0} MiB) in one bucket on a cluster of **{settings.Silos} silo processes**
                on this machine (each owns about 1/{settings.Silos} of the objects, by placement). Direct put only differs from
                forwarding when the destination's owner is another silo, which with {settings.Silos} silos is the case for about
                {(settings.Silos - 1) * 100 / settings.Silos}% of the objects. Every path moves the same bytes {parallel(settings)} at a time and each
                ran {settings.Repeats} times, alternating the order (A B C D E, E D C B A, ...); the table shows each run and the median.
                The source objects and files were written just before, so reads come from the page cache on every path.
                Each run writes a new destination, which is checked (object count and total bytes) and deleted after the
                run, outside the timing. Paths:

                - *plain file copy*: the baseline, the same bytes as {settings.Objects} files, copied into a new folder on
                  the same disk ({parallel(settings)} files at a time, read + write + **fsync per file**, as the store fsyncs each object).
                - *job*: `POST /v1/jobs/etl` (`create_destination`, `num_workers` left to its default: {WorkersPerSilo} per silo here) with the
                  built-in `echo` on `hpush://`, one transformer process per silo; timed from the POST until
                  `GET /v1/jobs/ID?wait=30` reports it finished. With `support_direct_put: true` the transformer PUTs each
                  result straight to the destination object's owner; with `false` the source silo receives it and forwards it.
                  With `argument: fqn` the silo sends no bytes: the transformer reads the object's file itself (it runs on
                  the same host) and PUTs the result to the owner, so the job's bytes cross one socket instead of two.
                - *client-side pipeline*: the harness GETs each object over HTTP (following the 307 to its owner), passes the
                  bytes through an identity transform as they stream in and PUTs them to the destination bucket (the
                  receiving silo forwards to the owner), {parallel(settings)} objects at a time, silos taken in turn.

                *CPU ms/object* is the CPU time of the silo process trees (transformers included) plus the harness process
                during the run, per object: the whole work of each path on this machine, whoever did it.
                """)
            .Table(table)
            .Text("The performance contract's offline figures (DESIGN.md §8), from the medians above:")
            .Table(goals.Table);

        static int parallel(OfflineSettings s) => s.Silos * WorkersPerSilo;
    }

    private sealed record OfflinePath(string Label, Func<int, Task> RunAsync, Func<int, Task> VerifyAndCleanAsync);

    private sealed record OfflineRun(TimeSpan Elapsed, TimeSpan Cpu);
}
