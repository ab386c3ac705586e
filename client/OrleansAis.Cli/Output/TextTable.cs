namespace OrleansAis.Cli.Output;

/// <summary>A plain aligned table (no borders: it pipes well into grep, awk and cut).</summary>
internal sealed class TextTable(params TextTable.Column[] columns)
{
    private readonly List<string[]> _rows = [];

    /// <summary>A column; numbers read best right-aligned.</summary>
    public sealed record Column(string Header, bool AlignRight = false);

    public void AddRow(params string[] cells)
    {
        if (cells.Length != columns.Length) throw new ArgumentException($"expected {columns.Length} cells, got {cells.Length}", nameof(cells));
        _rows.Add(cells);
    }

    public void WriteTo(TextWriter writer)
    {
        var widths = columns.Select((c, i) => _rows.Select(r => r[i].Length).Prepend(c.Header.Length).Max()).ToArray();
        WriteLine(writer, columns.Select(c => c.Header).ToArray(), widths);
        foreach (var row in _rows) WriteLine(writer, row, widths);
    }

    private void WriteLine(TextWriter writer, string[] cells, int[] widths)
    {
        var padded = cells.Select((cell, i) =>
            columns[i].AlignRight ? cell.PadLeft(widths[i])
            : i == cells.Length - 1 ? cell // no trailing spaces after the last column
            : cell.PadRight(widths[i]));
        writer.WriteLine(string.Join("  ", padded));
    }
}
