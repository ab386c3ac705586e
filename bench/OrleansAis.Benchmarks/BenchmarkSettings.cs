using OrleansAis.Benchmarks.Harness;
using OrleansAis.Benchmarks.Hosting;

namespace OrleansAis.Benchmarks;

/// <summary>Everything a run is configured with (from the command line).</summary>
public sealed record BenchmarkSettings(
    LoadSettings Load,
    int Rounds,
    SiloLaunch Silo,
    string NginxBinary,
    string WrkBinary,
    OfflineSettings Offline,
    string WorkDirectory,
    string ReportPath,
    string Command,
    IReadOnlyList<string> Scenarios);

/// <summary>The offline transform comparison: how many 1 MiB objects, on how many silos, measured how often.</summary>
public sealed record OfflineSettings(int Objects, int Silos, int Repeats);
