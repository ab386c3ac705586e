using System.Diagnostics;

namespace OrleansAis.Testing;

/// <summary>
/// Records the processes and scripted clusters this test run starts in <c>$OAIS_RUN_DIR</c> (a folder unique to one
/// run, exported by <c>.ci/run</c>), so that the run's cleanup stops exactly those when a test or the test host died
/// before stopping them, and nothing else on the machine: not a developer's own silos or cluster.sh clusters.
/// Without <c>OAIS_RUN_DIR</c> nothing is recorded; the fixtures still stop what they started when disposed.
/// Layout: <c>pids/{pid}</c> holds the pid and its start time (so a recycled pid is never signalled);
/// <c>clusters/{name}</c> holds the base folder of a cluster.sh cluster.
/// </summary>
public static class RunRegistry
{
    public const string Variable = "OAIS_RUN_DIR";

    /// <summary>The kind's folder of <paramref name="runDirectory"/>, by default this run's <c>$OAIS_RUN_DIR</c> (null without one).</summary>
    private static string? Folder(string kind, string? runDirectory = null) =>
        (runDirectory ?? Environment.GetEnvironmentVariable(Variable)) is { Length: > 0 } run ? Directory.CreateDirectory(Path.Combine(run, kind)).FullName : null;

    /// <summary>
    /// Records a started process; call <see cref="Forget(Process)"/> once it has exited. <paramref name="runDirectory"/>
    /// records it in another run folder than this run's (a test of .ci/stop-run.sh).
    /// </summary>
    public static void Track(Process process, string? runDirectory = null)
    {
        if (Folder("pids", runDirectory) is not { } pids || StartTime(process.Id) is not { } start) return;
        File.WriteAllText(Path.Combine(pids, process.Id.ToString()), $"{process.Id} {start}\n");
    }

    public static void Forget(Process process) => Forget(process.Id);

    public static void Forget(int pid)
    {
        if (Folder("pids") is { } pids) File.Delete(Path.Combine(pids, pid.ToString()));
    }

    /// <summary>Records a cluster.sh base folder before its start, so a half-started cluster is stopped too.</summary>
    public static void TrackCluster(string baseDirectory, string? runDirectory = null)
    {
        if (Folder("clusters", runDirectory) is { } clusters) File.WriteAllText(Path.Combine(clusters, Path.GetFileName(baseDirectory)), baseDirectory + "\n");
    }

    public static void ForgetCluster(string baseDirectory)
    {
        if (Folder("clusters") is { } clusters) File.Delete(Path.Combine(clusters, Path.GetFileName(baseDirectory)));
    }

    /// <summary>Field 22 of /proc/{pid}/stat (clock ticks since boot), the same value .ci/stop-run.sh compares; null off Linux.</summary>
    public static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may hold spaces: count the fields after its closing parenthesis, from field 3.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields[22 - 3];
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
