namespace OrleansAis.Benchmarks.Reporting;

/// <summary>
/// The machine's 1-minute load average around the run: on a shared 2-core machine, other processes (builds, tests)
/// skew absolute numbers and, when they come and go, even ratios, so the report says how busy the machine was.
/// </summary>
public sealed record BackgroundLoad(string AtStart, string AtEnd)
{
    public static string Now() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
}
