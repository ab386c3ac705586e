using OrleansAis.Benchmarks.Harness;

namespace OrleansAis.Benchmarks;

/// <summary>Everything a run is configured with (from the command line).</summary>
public sealed record BenchmarkSettings(
    LoadSettings Load,
    int Rounds,
    string SiloAssembly,
    string NginxBinary,
    string WrkBinary,
    string WorkDirectory,
    string ReportPath,
    string Command,
    IReadOnlyList<string> Scenarios);
