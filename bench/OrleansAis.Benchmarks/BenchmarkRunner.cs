using OrleansAis.Benchmarks.Reporting;
using OrleansAis.Benchmarks.Scenarios;

namespace OrleansAis.Benchmarks;

/// <summary>Runs the selected scenarios in order and writes the report; a failed scenario is reported and fails the run.</summary>
public static class BenchmarkRunner
{
    /// <summary>Every scenario, in the order a full run measures them (the report follows this order).</summary>
    public static IReadOnlyList<IScenario> All { get; } = [new ClientApiScenario(), new ClientReadScenario(), new HttpPutGetScenario(), new HttpGetScenario(), new EtlInlineScenario(), new OfflineTransformScenario(), new FollowLagScenario()];

    public static async Task<int> RunAsync(BenchmarkSettings settings, CancellationToken ct)
    {
        var unknown = settings.Scenarios.Except(All.Select(s => s.Key)).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"unknown scenario(s): {string.Join(", ", unknown)}; known: {string.Join(", ", All.Select(s => s.Key))}");
            return 2;
        }

        var started = DateTimeOffset.UtcNow;
        var loadAtStart = BackgroundLoad.Now();
        var sections = new List<ReportSection>();
        var failed = false;
        Directory.CreateDirectory(settings.WorkDirectory);
        try
        {
            await using var context = new BenchmarkContext(settings);
            foreach (var scenario in All.Where(s => settings.Scenarios.Count == 0 || settings.Scenarios.Contains(s.Key)))
            {
                BenchmarkContext.Log($"scenario {scenario.Key}: {scenario.Title}");
                try
                {
                    sections.Add(await scenario.RunAsync(context, ct));
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    Console.Error.WriteLine($"scenario {scenario.Key} failed: {e}");
                    sections.Add(ReportSection.Failed(scenario.Title, e));
                    failed = true;
                }
            }
        }
        finally
        {
            DeleteWorkDirectory(settings.WorkDirectory);
        }

        var background = new BackgroundLoad(loadAtStart, BackgroundLoad.Now());
        var report = MarkdownReport.Render(settings.Command, started, DateTimeOffset.UtcNow - started, MachineInfo.Current(), settings.Load, settings.Rounds, background, sections);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.ReportPath))!);
        await File.WriteAllTextAsync(settings.ReportPath, report, ct);
        BenchmarkContext.Log($"report written to {settings.ReportPath}");
        return failed ? 1 : 0;
    }

    // Best effort: a leftover scratch folder in the temp directory must not hide the run's own outcome.
    private static void DeleteWorkDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"could not delete the work directory {path}: {e.Message}");
        }
    }
}
