using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Security.Cryptography;
using OrleansAis.Benchmarks.Harness;
using OrleansAis.Benchmarks.Hosting;
using OrleansAis.Benchmarks.Reporting;
using OrleansAis.Benchmarks.Targets;

namespace OrleansAis.Benchmarks.Scenarios;

/// <summary>
/// PUT and GET of small and large objects through the AIS-style HTTP API against nginx doing the same over HTTP:
/// static files for GET, its DAV module for PUT, in the same root on the same disk, all driven by one HttpClient loop.
/// </summary>
public sealed class HttpPutGetScenario : IScenario
{
    private const int ObjectsPerSize = 256;

    private static readonly (string Label, int Bytes)[] Sizes = [("4 KiB", 4 << 10), ("1 MiB", 1 << 20)];
    private static readonly string[] Operations = ["PUT", "GET"];

    public string Key => "http-put-get";
    public string Title => "HTTP PUT and GET, 4 KiB and 1 MiB: OrleansAis vs nginx";

    public async Task<ReportSection> RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var silo = await context.SiloAsync(ct);
        var nginxRoot = context.Folder("http-put-get-nginx-root");
        await using var nginx = await NginxServer.StartAsync(context.Settings.NginxBinary, nginxRoot, context.Folder("http-put-get-nginx"), ct,
            acceptPuts: true);
        using var http = HttpDownload.CreateLoadClient(context.Workers);
        var reference = new DavFilesTarget(http, nginx.Url, nginxRoot, $"nginx {nginx.Version}");
        var oais = new AisHttpTarget(http, silo.HttpUrl, "bench-http-put-get", "OrleansAis `/v1/objects/{bucket}/{name}`");
        await reference.PrepareAsync(ct);
        await oais.PrepareAsync(ct);

        var table = new ResultTable(["operation", "size", "server"], "vs nginx");
        var goals = new GoalTable();
        TimeSpan? put1MiBCpu = null;
        foreach (var operation in Operations)
        foreach (var (size, bytes) in Sizes)
        {
            var objects = new ObjectSet($"obj-{bytes}", ObjectsPerSize, bytes);
            if (operation == "PUT")
            {
                // Seeded by the same requests (unmeasured), so the PUT cells overwrite existing objects on both sides.
                await objects.SeedAsync(reference, context.Workers, ct);
                await objects.SeedAsync(oais, context.Workers, ct);
            }
            var measured = await context.CompareAsync(
            [
                new Cell($"{operation} {size} nginx", operation == "PUT" ? objects.Puts(reference, context.Workers) : objects.Gets(reference), nginx.ProcessId),
                new Cell($"{operation} {size} OrleansAis", operation == "PUT" ? objects.Puts(oais, context.Workers) : objects.Gets(oais), silo.ProcessId),
            ], ct);
            nginx.EnsureRunning();
            table.AddBaseline([operation, size, $"{reference.Label} ({(operation == "PUT" ? "DAV PUT, no fsync" : "static files")})"], measured[0]);
            table.Add([operation, size, oais.Label], measured[1], measured[0]);
            if (operation == "GET") AddGoals(goals, size, bytes, measured[1], measured[0]);
            else if (bytes == 1 << 20) put1MiBCpu = measured[1].ServerCpuPerOperation;
        }
        var hashing = HashCosts();

        return new ReportSection(Title)
            .Text($$"""
                One silo process and one nginx, each with {{ObjectsPerSize}} objects per size on the same disk, driven by the
                same C# HttpClient load loop ({{context.Workers}} workers, one keep-alive connection each). A PUT overwrites
                the worker's own objects in turn; a GET reads a random object to its end (byte count checked). Paths:

                - *nginx*: the baseline. GET is nginx serving static files (`sendfile on`, `access_log off`,
                  `worker_processes auto`, `reuseport`). PUT is nginx's DAV module (`http_dav_module`, compiled into
                  Debian's nginx: `dav_methods PUT; create_full_put_path on; client_max_body_size 64m`; the body goes
                  to `client_body_temp_path` on the same disk, then is renamed over the file). nginx does **not** fsync.
                - *OrleansAis*: `PUT` / `GET /v1/objects/{bucket}/{name}`. A PUT streams into a temp file, computes
                  the xxhash64 checksum and the MD5 ETag, fsyncs data and a metadata file and renames both, and updates the listing
                  index, so PUT ratios include durability work nginx skips.

                *Server CPU ms/op* is the CPU time of the server's processes (nginx: master and workers) in the measured
                window per request.
                """)
            .Table(table)
            .Text("The performance contract's plain-GET figures (DESIGN.md §8), from the table above:")
            .Table(goals.Table)
            .Text($"""
                **What the MD5 ETag costs a PUT.** A PUT hashes its bytes twice as they stream: xxhash64 (the internal
                checksum that rebalancing and mirroring verify) and MD5 (the S3 ETag, docs/API.md). Both over the same
                {HashedMiB} MiB of 1 MiB buffers, on one core of this machine in the same run (CPU time of the hashing
                thread), against the silo's whole CPU per 1 MiB PUT above:
                """)
            .Table(HashTable(hashing, put1MiBCpu));
    }

    private const int HashedMiB = 256;

    /// <summary>CPU per MiB of each hash the store computes while a PUT streams, measured on this thread.</summary>
    private static (TimeSpan Md5, TimeSpan XxHash64) HashCosts()
    {
        var buffer = new byte[1 << 20];
        Random.Shared.NextBytes(buffer);
        return (PerMiB(() =>
        {
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            for (var i = 0; i < HashedMiB; i++) md5.AppendData(buffer);
            md5.GetHashAndReset();
        }), PerMiB(() =>
        {
            var xx = new XxHash64();
            for (var i = 0; i < HashedMiB; i++) xx.Append(buffer);
            xx.GetCurrentHashAsUInt64();
        }));

        static TimeSpan PerMiB(Action hash)
        {
            hash(); // warm-up: the first pass JITs and faults the buffer in
            var before = ThreadCpu.Now();
            hash(); // synchronous, so one OS thread throughout: its own CPU clock measures it
            return (ThreadCpu.Now() - before) / HashedMiB;
        }
    }

    private static TextTable HashTable((TimeSpan Md5, TimeSpan XxHash64) cost, TimeSpan? putCpu)
    {
        var table = new TextTable(["hash", "CPU ms per MiB", "share of a 1 MiB PUT's silo CPU"], 1);
        foreach (var (name, perMiB) in new[] { ("MD5 (ETag)", cost.Md5), ("xxhash64 (checksum)", cost.XxHash64) })
        {
            table.Add(name, perMiB.TotalMilliseconds.ToString("F2", CultureInfo.InvariantCulture),
                putCpu is { Ticks: > 0 } put ? (perMiB / put).ToString("P0", CultureInfo.InvariantCulture) : "n/a");
        }
        return table;
    }

    /// <summary>The calling thread's CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>): other load on the machine does not count.</summary>
    private static class ThreadCpu
    {
        private const int ClockThreadCpuTime = 3;

        public static TimeSpan Now()
        {
            if (clock_gettime(ClockThreadCpuTime, out var now) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
            return TimeSpan.FromTicks(now.Seconds * TimeSpan.TicksPerSecond + now.Nanoseconds / 100);
        }

        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
        private struct Timespec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        private static extern int clock_gettime(int clock, out Timespec time);
    }

    /// <summary>GET: 4 KiB at least 0.8x nginx's requests/s at no more than 2x its CPU per request; 1 MiB at least 0.9x.</summary>
    private static void AddGoals(GoalTable goals, string size, int bytes, Measurement oais, Measurement nginx)
    {
        goals.AtLeast($"GET {size}: requests/s vs nginx", bytes <= 4 << 10 ? 0.8 : 0.9, oais.OperationsPerSecond / nginx.OperationsPerSecond);
        if (bytes <= 4 << 10 && oais.ServerCpuPerOperation is { } cpu && nginx.ServerCpuPerOperation is { Ticks: > 0 } reference)
            goals.AtMost($"GET {size}: server CPU per request vs nginx", 2, cpu / reference);
    }
}
