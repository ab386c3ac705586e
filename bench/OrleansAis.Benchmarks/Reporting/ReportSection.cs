namespace OrleansAis.Benchmarks.Reporting;

/// <summary>One scenario's part of the report: a heading, then markdown blocks (prose and tables) in order.</summary>
public sealed class ReportSection(string title)
{
    private readonly List<string> _blocks = [];

    public string Title => title;
    public IReadOnlyList<string> Blocks => _blocks;

    public ReportSection Text(string markdown)
    {
        _blocks.Add(markdown.Trim());
        return this;
    }

    public ReportSection Table(ResultTable table)
    {
        _blocks.Add(table.ToMarkdown().Trim());
        return this;
    }

    public ReportSection Table(TextTable table)
    {
        _blocks.Add(table.ToMarkdown().Trim());
        return this;
    }

    /// <summary>What the report says for a scenario that could not run: the reason, not stale numbers.</summary>
    public static ReportSection Failed(string title, Exception error) =>
        new ReportSection(title).Text($"**Failed in this run:** `{error.GetType().Name}: {FirstLine(error.Message)}`");

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
