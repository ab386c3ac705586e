using OrleansAis.Benchmarks.Reporting;

namespace OrleansAis.Benchmarks.Scenarios;

/// <summary>One benchmark: measures the system and its baseline in the same run and describes both in a report section.</summary>
public interface IScenario
{
    /// <summary>The name that selects it on the command line (<c>--scenario</c>).</summary>
    string Key { get; }

    /// <summary>Its heading in docs/BENCHMARKS.md.</summary>
    string Title { get; }

    Task<ReportSection> RunAsync(BenchmarkContext context, CancellationToken ct);
}
