using System.Globalization;

namespace OrleansAis.Benchmarks.Reporting;

/// <summary>
/// The performance contract's figures (DESIGN.md §8) beside what the run measured: the goal, the measured ratio and
/// whether it was met. Ratios of cost (CPU) have an upper bound and read "x"; ratios of speed have a lower one.
/// </summary>
public sealed class GoalTable
{
    private readonly TextTable _table = new(["figure", "goal", "measured", "met"], 1);

    /// <summary>A cost ratio (e.g. CPU per request vs a baseline) that must stay at or under <paramref name="goal"/>.</summary>
    public void AtMost(string figure, double goal, double measured) =>
        _table.Add(figure, $"≤ {Format(goal, "0.#")}x", $"**{Format(measured, "F2")}x**", Met(measured <= goal));

    /// <summary>A speed ratio (e.g. throughput vs a baseline) that must reach at least <paramref name="goal"/>.</summary>
    public void AtLeast(string figure, double goal, double measured) =>
        _table.Add(figure, $"≥ {Format(goal, "0.0#")}", $"**{Format(measured, "F2")}**", Met(measured >= goal));

    public TextTable Table => _table;

    private static string Met(bool met) => met ? "yes" : "**no**";

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
