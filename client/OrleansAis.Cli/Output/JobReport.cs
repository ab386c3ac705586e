using System.Globalization;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Cli.Output;

/// <summary>How a job reads for people: a one-line summary, the per-silo table, and the objects that failed.</summary>
internal static class JobReport
{
    public const string Succeeded = "Succeeded";
    public const string Running = "Running";

    public static TimeSpan Elapsed(DateTimeOffset started, DateTimeOffset? finished) => (finished ?? DateTimeOffset.Now) - started;

    /// <summary>E.g. <c>job job-1a2b Succeeded in 4.2s: 1000 objects (1.2 MiB in, 1.1 MiB out), 0 skipped, 0 errors</c>.</summary>
    public static string Summary(JobDetailsDto job) =>
        $"job {job.Id} {job.State} {(job.State == Running ? "for" : "in")} {Times.FormatDuration(Elapsed(job.Started, job.Finished))}: " +
        $"{Count(job.Objects)} objects ({Sizes.Format(job.BytesIn)} in, {Sizes.Format(job.BytesOut)} out), " +
        $"{Count(job.Skipped)} skipped, {Count(job.Errors)} errors";

    /// <summary>The summary, the reason it ended (if not a success) and every failed object the silos listed.</summary>
    public static void WriteOutcome(TextWriter writer, JobDetailsDto job)
    {
        writer.WriteLine(Summary(job));
        if (job.Reason is { Length: > 0 } reason) writer.WriteLine($"reason: {reason}");
        WriteFailedObjects(writer, job);
    }

    public static void WriteDetails(TextWriter writer, JobDetailsDto job)
    {
        var r = job.Request;
        var properties = new TextTable(new("PROPERTY"), new("VALUE"));
        properties.AddRow("id", job.Id);
        properties.AddRow("state", job.State);
        if (job.Reason is { Length: > 0 }) properties.AddRow("reason", job.Reason);
        properties.AddRow("etl", r.Etl);
        properties.AddRow("mode", r.Mode);
        properties.AddRow("from", r.FromBucket + Selection(r));
        if (r.ToBucket is not null) properties.AddRow("to", r.ToBucket + Renames(r));
        properties.AddRow("started", Times.Format(job.Started));
        properties.AddRow("finished", job.Finished is { } f ? Times.Format(f) : "-");
        properties.AddRow("elapsed", Times.FormatDuration(Elapsed(job.Started, job.Finished)));
        properties.WriteTo(writer);
        writer.WriteLine();

        var nodes = new TextTable(new("NODE"), new("STATE"), new("OBJECTS", AlignRight: true), new("SKIPPED", AlignRight: true),
            new("ERRORS", AlignRight: true), new("BYTES IN", AlignRight: true), new("BYTES OUT", AlignRight: true),
            new("ELAPSED", AlignRight: true), new("MESSAGE"));
        foreach (var n in job.Nodes)
        {
            nodes.AddRow(n.Node, n.State, Count(n.Objects), Count(n.Skipped), Count(n.ErrorCount), Sizes.Format(n.BytesIn), Sizes.Format(n.BytesOut),
                Times.FormatDuration(TimeSpan.FromSeconds(n.ElapsedSeconds)), n.Message ?? "");
        }
        nodes.WriteTo(writer);
        writer.WriteLine(Summary(job));
        WriteFailedObjects(writer, job);
    }

    /// <summary>Failed objects in name order; a silo lists at most its first thousand, the rest are counted.</summary>
    public static void WriteFailedObjects(TextWriter writer, JobDetailsDto job)
    {
        if (job.Errors == 0) return;
        writer.WriteLine("failed objects:");
        foreach (var (node, failure) in job.Nodes.SelectMany(n => n.Errors.Select(e => (n.Node, e))).OrderBy(x => x.e.Name, StringComparer.Ordinal))
            writer.WriteLine($"  {failure.Name}  (node {node}): {failure.Message}");
        foreach (var n in job.Nodes.Where(n => n.ErrorCount > n.Errors.Count))
            writer.WriteLine($"  ... and {Count(n.ErrorCount - n.Errors.Count)} more on node {n.Node}");
    }

    private static string Selection(JobRequestDto r) =>
        r.Names is { } names ? $" (list of {names.Count})" : r.Template is { } t ? $" (template {t})" : r.Prefix.Length > 0 ? $" (prefix {r.Prefix})" : "";

    private static string Renames(JobRequestDto r)
    {
        var parts = new List<string>();
        if (r.Ext.Count > 0) parts.Add("ext {" + string.Join(",", r.Ext.Select(e => $"{e.Key}:{e.Value}")) + "}");
        if (r.Prepend.Length > 0) parts.Add($"prepend {r.Prepend}");
        return parts.Count > 0 ? $" ({string.Join(", ", parts)})" : "";
    }

    private static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);
}
