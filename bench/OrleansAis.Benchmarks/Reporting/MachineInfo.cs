using System.Runtime.InteropServices;

namespace OrleansAis.Benchmarks.Reporting;

/// <summary>What the numbers were measured on: they only mean something next to this.</summary>
public sealed record MachineInfo(int Cores, string Cpu, string Memory, string OperatingSystem, string Runtime)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        ProcValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        ProcValue("/proc/meminfo", "MemTotal") is { } kb && long.TryParse(kb.Split(' ')[0], out var k) ? $"{k / (1024.0 * 1024.0):F1} GiB" : "unknown",
        $"{OsName()}, kernel {(File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "unknown")}",
        RuntimeInformation.FrameworkDescription);

    private static string OsName() =>
        File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"') ?? "Linux"
            : RuntimeInformation.OSDescription;

    // "key : value" lines as in /proc/cpuinfo and /proc/meminfo.
    private static string? ProcValue(string file, string key) =>
        File.Exists(file)
            ? File.ReadLines(file).Select(l => l.Split(':', 2)).FirstOrDefault(p => p.Length == 2 && p[0].Trim() == key)?[1].Trim()
            : null;
}
