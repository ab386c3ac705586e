using System.CommandLine;
using OrleansAis.Benchmarks;
using OrleansAis.Benchmarks.Harness;
using OrleansAis.Benchmarks.Hosting;

var repoRoot = RepoRoot();
var workers = new Option<int>("--workers") { Description = "Concurrent workers per measurement", DefaultValueFactory = _ => 8 };
// Short cells keep the whole matrix within about 15 minutes on a 2-core machine; ratios of alternated cells hold up.
var warmup = new Option<int>("--warmup") { Description = "Unmeasured seconds before each measurement", DefaultValueFactory = _ => 2 };
var duration = new Option<int>("--duration") { Description = "Measured seconds per measurement", DefaultValueFactory = _ => 6 };
var rounds = new Option<int>("--rounds")
{
    Description = "Rounds per comparison: its cells run alternately (A B, B A, ...), each round measuring duration/rounds",
    DefaultValueFactory = _ => 2,
};
var scenarios = new Option<string[]>("--scenario")
{
    Description = $"Run only these scenarios (repeatable): {string.Join(", ", BenchmarkRunner.All.Select(s => s.Key))}",
    DefaultValueFactory = _ => [],
};
var silo = new Option<string>("--silo")
{
    Description = "The built silo assembly",
    DefaultValueFactory = _ => Path.Combine(repoRoot, "silo/OrleansAis.Silo/bin/Release/net10.0/OrleansAis.Silo.dll"),
};
var etlHost = new Option<string>("--etl-host")
{
    Description = "The built etl-host assembly (the silos' Process ETL runtime runs transformers from it)",
    DefaultValueFactory = _ => Path.Combine(repoRoot, "etl-host/OrleansAis.EtlHost/bin/Release/net10.0/etl-host.dll"),
};
var offlineObjects = new Option<int>("--offline-objects") { Description = "1 MiB objects per offline transform", DefaultValueFactory = _ => 512 };
var offlineSilos = new Option<int>("--offline-silos") { Description = "Silo processes for the offline transforms", DefaultValueFactory = _ => 2 };
var offlineRepeats = new Option<int>("--offline-repeats") { Description = "Runs of each offline path (the report shows the median)", DefaultValueFactory = _ => 3 };
var nginx = new Option<string>("--nginx") { Description = "nginx binary for the HTTP baselines", DefaultValueFactory = _ => "nginx" };
var wrk = new Option<string>("--wrk") { Description = "wrk binary for a second opinion on HTTP GET (skipped when absent)", DefaultValueFactory = _ => "wrk" };
var workDir = new Option<string>("--work-dir")
{
    Description = "Scratch folder for silo data and baseline files (deleted afterwards); put it on the disk to measure",
    DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "oais-bench-" + Guid.NewGuid().ToString("N")[..8]),
};
var output = new Option<string>("--output") { Description = "Where to write the markdown report", DefaultValueFactory = _ => Path.Combine(repoRoot, "docs/BENCHMARKS.md") };
var command = new Option<string>("--command")
{
    Description = "The command to name in the report as the way to regenerate it",
    DefaultValueFactory = _ => $"OrleansAis.Benchmarks {string.Join(' ', args)}".Trim(),
};

var root = new RootCommand("OrleansAis benchmarks: starts a silo (and nginx), measures each scenario against its baseline, writes a markdown report.")
{
    workers, warmup, duration, rounds, scenarios, silo, etlHost, nginx, wrk, offlineObjects, offlineSilos, offlineRepeats, workDir, output, command,
};
root.SetAction((parsed, ct) => BenchmarkRunner.RunAsync(new BenchmarkSettings(
    new LoadSettings(parsed.GetValue(workers), TimeSpan.FromSeconds(parsed.GetValue(warmup)), TimeSpan.FromSeconds(parsed.GetValue(duration))),
    Math.Max(1, parsed.GetValue(rounds)),
    new SiloLaunch(Path.GetFullPath(parsed.GetValue(silo)!), Path.GetFullPath(parsed.GetValue(etlHost)!)),
    parsed.GetValue(nginx)!,
    parsed.GetValue(wrk)!,
    new OfflineSettings(Math.Max(1, parsed.GetValue(offlineObjects)), Math.Max(1, parsed.GetValue(offlineSilos)), Math.Max(1, parsed.GetValue(offlineRepeats))),
    Path.GetFullPath(parsed.GetValue(workDir)!),
    Path.GetFullPath(parsed.GetValue(output)!),
    parsed.GetValue(command)!,
    parsed.GetValue(scenarios) ?? []), ct));
return await root.Parse(args).InvokeAsync();

// The repository root (where OrleansAis.sln is), found upwards from the harness's own folder.
static string RepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "OrleansAis.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
