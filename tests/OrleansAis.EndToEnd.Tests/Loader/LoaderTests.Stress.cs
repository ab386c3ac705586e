using System.Globalization;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Loader;

/// <summary>
/// --stress while a silo crashes and comes back: the loader keeps going, lists every failure with object, time and
/// kind, and exits 0. Same cluster as the other loader tests (one cluster start less): it ends once the data moves
/// that follow the restart are over, so the store counters the other tests compare are quiet again.
/// </summary>
public sealed partial class LoaderTests
{
    [Fact]
    public async Task Stress_mode_keeps_running_through_a_silo_crash_and_lists_every_failure()
    {
        using var loader = LoaderProcess.Start(cluster.Endpoints, "--bucket", "loader-stress", "--duration", "12s", "--workers", "4",
            "--size", "4KiB", "--pct-put", "50", "--objects", "60", "--verify", "--stress", "--json", "--stats-interval", "1s", "--timeout", "10s");
        await WaitForProgressLinesAsync(loader, 2); // prefill done, workload running

        var killedAt = DateTimeOffset.UtcNow;
        await cluster.KillAsync(2);
        // The silo stays down until the loader has counted failures against it (a progress line's errors column).
        await Waiting.WaitUntil(() => ProgressLines(loader.Stderr).Any(line => line.Errors > 0), TimeSpan.FromSeconds(30),
            () => $"the loader counted no failure after a silo was killed:\n{loader.Stderr}", TimeSpan.FromMilliseconds(100));
        await cluster.RestartAsync(2);
        var run = await loader.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, run.ToString());
        var failures = run.Report.GetProperty("failures").EnumerateArray().ToList();
        Assert.NotEmpty(failures); // a third of the requests went to the dead silo
        Assert.Equal(failures.Count, (int)(run.Errors("put") + run.Errors("get")));
        Assert.All(failures, f =>
        {
            Assert.Matches(@"^loader-\d+$", f.GetProperty("object").GetString());
            Assert.False(string.IsNullOrEmpty(f.GetProperty("kind").GetString()));
            Assert.True(f.GetProperty("time").GetDateTimeOffset() >= killedAt.AddSeconds(-1), $"failure before the crash: {f}");
        });
        Assert.Empty(run.Report.GetProperty("wrong_reads").EnumerateArray());

        // It kept going: operations succeeded in the last seconds of the run, after the restart.
        var lastLine = ProgressLines(run.Stderr).Last();
        Assert.True(lastLine.PutRate + lastLine.GetRate > 0, $"no operations at the end:\n{run.Stderr}");
        Assert.True(run.Count("put") + run.Count("get") > 0);

        await cluster.WaitForQuietStoreAsync();
    }

    private static async Task WaitForProgressLinesAsync(LoaderProcess loader, int lines)
    {
        await Waiting.WaitUntil(() => ProgressLines(loader.Stderr).Count >= lines, TimeSpan.FromSeconds(60),
            () => $"no progress from the loader:\n{loader.Stderr}", TimeSpan.FromMilliseconds(100));
    }

    private static List<(double PutRate, double GetRate, long Errors)> ProgressLines(string stderr) =>
        stderr.Split('\n')
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(cells => cells.Length == 7 && cells[0].EndsWith('s') && double.TryParse(cells[0][..^1], CultureInfo.InvariantCulture, out _))
            .Select(cells => (double.Parse(cells[1], CultureInfo.InvariantCulture), double.Parse(cells[3], CultureInfo.InvariantCulture),
                long.Parse(cells[5], CultureInfo.InvariantCulture)))
            .ToList();
}
