using System.Diagnostics;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Reliability;

/// <summary>
/// .ci/stop-run.sh stops what one run recorded in its run folder and nothing else: here a run folder of the test's
/// own (not this run's $OAIS_RUN_DIR) records a cluster.sh cluster and a process, while a second cluster.sh cluster
/// plays a developer's, unrecorded, and a stale pid file names one of its silos with another start time (a recycled
/// pid). After stop-run.sh the recorded ones are gone and the developer's silo still runs and answers.
/// </summary>
public sealed class RunCleanupTests
{
    private static readonly string[] SiloArgs = ["--Etl:Runtime=process"];

    [RedisFact]
    public async Task Stop_run_stops_the_runs_own_processes_and_clusters_and_leaves_a_developers_cluster_running()
    {
        RedisAvailability.EnsureAvailable();
        var run = Directory.CreateTempSubdirectory("oais-run-test-").FullName;
        var clusters = await Task.WhenAll(ScriptedCluster.StartAsync(1, SiloArgs), ScriptedCluster.StartAsync(1, SiloArgs));
        await using var own = clusters[0];
        await using var developers = clusters[1];
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
        try
        {
            RunRegistry.TrackCluster(own.BaseDirectory, run);
            RunRegistry.Track(sleeper, run);
            var developerSilo = developers.Nodes[0];
            var developerPid = int.Parse(File.ReadAllText(Path.Combine(developerSilo.Folder, "silo.pid")).Trim());
            // A pid file of an earlier process whose pid the developer's silo now has: same pid, other start time.
            File.WriteAllText(Path.Combine(run, "pids", developerPid.ToString()), $"{developerPid} 1\n");
            var ownPid = int.Parse(File.ReadAllText(Path.Combine(own.Nodes[0].Folder, "silo.pid")).Trim());

            var (code, output) = await StopRunAsync(run);
            Assert.True(code == 0, output);

            Assert.True(sleeper.WaitForExit(TimeSpan.FromSeconds(5)), "the recorded process still runs:\n" + output);
            Assert.False(Directory.Exists(own.BaseDirectory), "the recorded cluster's folder is still there:\n" + output);
            Assert.False(Alive(ownPid), $"the recorded cluster's silo (pid {ownPid}) still runs:\n{output}");
            Assert.False(Directory.Exists(run), "stop-run.sh left its run folder");

            Assert.True(Alive(developerPid), $"the developer's silo (pid {developerPid}) was stopped:\n{output}");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var health = await http.GetAsync(new Uri(developerSilo.HttpUrl, "/v1/health"));
            Assert.True(health.IsSuccessStatusCode, $"the developer's silo answers {(int)health.StatusCode}");
            var (statusCode, status) = await developers.StatusAsync();
            Assert.True(statusCode == 0, "cluster.sh status of the developer's cluster:\n" + status);
        }
        finally
        {
            if (!sleeper.HasExited) sleeper.Kill();
            if (Directory.Exists(run)) Directory.Delete(run, recursive: true);
        }
    }

    /// <summary>True while the process exists and is not a zombie.</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<(int, string)> StopRunAsync(string run)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoPaths.Root,
        };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, ".ci", "stop-run.sh"));
        info.ArgumentList.Add(run);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
