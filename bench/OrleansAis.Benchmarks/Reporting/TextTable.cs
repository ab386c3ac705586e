using System.Text;

namespace OrleansAis.Benchmarks.Reporting;

/// <summary>A markdown table of preformatted cells, for results that are not load-loop measurements (e.g. timed batch runs).</summary>
public sealed class TextTable(IReadOnlyList<string> columns, int leftAligned)
{
    private readonly List<IReadOnlyList<string>> _rows = [];

    public TextTable Add(params IReadOnlyList<string> cells)
    {
        if (cells.Count != columns.Count) throw new ArgumentException($"expected {columns.Count} cells", nameof(cells));
        _rows.Add(cells);
        return this;
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine($"| {string.Join(" | ", columns)} |");
        text.AppendLine($"|{string.Join("|", columns.Select((_, i) => i < leftAligned ? " --- " : " ---: "))}|");
        foreach (var row in _rows) text.AppendLine($"| {string.Join(" | ", row)} |");
        return text.ToString();
    }
}
