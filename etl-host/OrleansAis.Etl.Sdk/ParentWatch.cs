using System.Diagnostics;
using OrleansAis.Etl.Protocol;

namespace OrleansAis.Etl.Sdk;

/// <summary>
/// Ends the transformer when the silo that started it is gone (<see cref="TransformerEnvironment.ParentPid"/>): a silo
/// killed with SIGKILL cannot stop its children, and nobody else would. Polls, since Linux tells a child nothing when
/// its parent dies (PR_SET_PDEATHSIG fires when the parent's spawning thread ends, which in .NET is any pool thread).
/// </summary>
internal static class ParentWatch
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>Starts watching when the variable names a process; <paramref name="gone"/> runs once it has ended.</summary>
    public static void Start(Action<int> gone)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(TransformerEnvironment.ParentPid), out var pid) || pid <= 0) return;
        var started = StartOf(pid);
        _ = Task.Run(async () =>
        {
            while (started is not null && StartOf(pid) == started) await Task.Delay(Interval);
            gone(pid);
        });
    }

    /// <summary>
    /// A token of the process's identity: its start time (so a reused pid is a different process); null once it has
    /// ended, or while it is a zombie waiting to be reaped.
    /// </summary>
    private static string? StartOf(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                // /proc/PID/stat: "pid (comm) state ... starttime" - comm may hold spaces, so count fields after the last ')'.
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return fields[0] == "Z" || fields[0] == "X" ? null : fields[19];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
            {
                return null;
            }
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : process.StartTime.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
