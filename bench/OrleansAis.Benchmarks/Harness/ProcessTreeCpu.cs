using System.Globalization;

namespace OrleansAis.Benchmarks.Harness;

/// <summary>
/// CPU time (user + system) used so far by a process and its descendants, from /proc: the cost of a server per
/// request, which stays meaningful when the load generator and other processes compete for the same cores.
/// Descendants that have exited count too (a parent's "children" times hold every child it has waited for), so
/// short-lived helpers, e.g. one transformer process per object, are part of the server's cost.
/// </summary>
public static class ProcessTreeCpu
{
    // /proc reports times in USER_HZ ticks, 100 per second on every Linux ABI .NET supports.
    private const double TicksPerSecond = 100;

    public static TimeSpan Of(int rootPid)
    {
        var stats = Directory.EnumerateDirectories("/proc")
            .Select(dir => int.TryParse(Path.GetFileName(dir), out var pid) ? Read(pid) : null)
            .OfType<ProcStat>()
            .ToList();
        var tree = new HashSet<int> { rootPid };
        // Parents are not always listed before their children: repeat until no process joins the tree.
        for (var grown = true; grown;)
        {
            grown = false;
            foreach (var stat in stats.Where(s => tree.Contains(s.ParentPid))) grown |= tree.Add(stat.Pid);
        }
        return TimeSpan.FromSeconds(stats.Where(s => tree.Contains(s.Pid)).Sum(s => s.CpuTicks) / TicksPerSecond);
    }

    private sealed record ProcStat(int Pid, int ParentPid, long CpuTicks);

    // Fields after "pid (comm)": state ppid ... utime(14th) stime(15th) cutime(16th) cstime(17th); comm may contain
    // spaces, so split after ')'. A child's time moves into its parent's cutime/cstime when it is reaped, so the sum
    // over the tree neither loses nor double-counts it.
    private static ProcStat? Read(int pid)
    {
        string line;
        try
        {
            line = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null; // exited meanwhile
        }
        var fields = line[(line.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return new ProcStat(pid, (int)Field(4), Field(14) + Field(15) + Field(16) + Field(17));
    }
}
