using System.Globalization;
using System.Text;
using OrleansAis.Benchmarks.Harness;

namespace OrleansAis.Benchmarks.Reporting;

/// <summary>
/// A markdown table of measurements, each row compared with a baseline row measured in the same run
/// (ratio of throughput; above 1 means faster than the baseline).
/// </summary>
public sealed class ResultTable(IReadOnlyList<string> keyColumns, string ratioColumn)
{
    private readonly List<(IReadOnlyList<string> Keys, Measurement Result, string Ratio)> _rows = [];

    public void AddBaseline(IReadOnlyList<string> keys, Measurement result) => Add(keys, result, "1.00 (baseline)");

    public void Add(IReadOnlyList<string> keys, Measurement result, Measurement baseline) =>
        Add(keys, result, Format(result.OperationsPerSecond / baseline.OperationsPerSecond, "F2")); // per object: a digest answers with fewer bytes

    public string ToMarkdown()
    {
        // The server CPU column only appears when some row has a server process to measure.
        var withCpu = _rows.Any(r => r.Result.ServerCpuPerOperation is not null);
        var header = new List<string>(keyColumns) { "ops/s", "MiB/s", "p50 ms", "p99 ms", "errors" };
        if (withCpu) header.Add("server CPU ms/op");
        header.Add(ratioColumn);

        var text = new StringBuilder();
        text.AppendLine($"| {string.Join(" | ", header)} |");
        text.AppendLine($"|{string.Join("|", header.Select((_, i) => i < keyColumns.Count ? " --- " : " ---: "))}|");
        foreach (var (keys, r, ratio) in _rows)
        {
            var cells = new List<string>(keys)
            {
                Format(r.OperationsPerSecond, "F0"), Format(r.MiBPerSecond, "F1"), Milliseconds(r.P50), Milliseconds(r.P99), Format(r.Errors, "D"),
            };
            if (withCpu) cells.Add(r.ServerCpuPerOperation is { } cpu ? Milliseconds(cpu) : "-");
            cells.Add($"**{ratio}**");
            text.AppendLine($"| {string.Join(" | ", cells)} |");
        }
        return text.ToString();
    }

    private void Add(IReadOnlyList<string> keys, Measurement result, string ratio)
    {
        if (keys.Count != keyColumns.Count) throw new ArgumentException($"expected {keyColumns.Count} key cells", nameof(keys));
        _rows.Add((keys, result, ratio));
    }

    // Enough digits to compare sub-millisecond local reads with multi-millisecond network calls.
    private static string Milliseconds(TimeSpan t) => Format(t.TotalMilliseconds, t.TotalMilliseconds < 1 ? "F3" : t.TotalMilliseconds < 100 ? "F2" : "F0");

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Format(long value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
