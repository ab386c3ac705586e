using System.Globalization;
using System.Text;
using OrleansAis.Loader.Options;

namespace OrleansAis.Loader.Report;

/// <summary>The report as aligned text, the default output: settings, a per-operation table, errors, wrong reads.</summary>
internal static class TextReport
{
    /// <summary>Outside --stress the text lists only this many failures (all of them are in --json).</summary>
    private const int FailuresShownNormally = 20;

    public static string Render(LoaderReport r)
    {
        var text = new StringBuilder();
        var s = r.Settings;
        var size = s.MinSize == s.MaxSize ? Size(s.MinSize) : $"{Size(s.MinSize)}..{Size(s.MaxSize)}";
        var limit = string.Join(" or ", new[] { s.DurationSeconds is { } d ? $"{d:0.###}s" : null, s.MaxOps is { } m ? $"{m} ops" : null }.OfType<string>());
        text.AppendLine($"oais-loader: bucket {s.Bucket}, {s.Workers} workers, {s.PctPut}% PUT, {s.Objects} objects '{s.Prefix}N' of {size}, {limit}, seed {s.Seed}" +
            (s.Stress ? ", stress" : ""));
        text.AppendLine($"endpoints: {string.Join(", ", s.Endpoints)}");
        if (r.Etl is { } etl)
            text.AppendLine($"ETL: {etl.Name}" + (etl.Builtin is null ? "" : $" (built-in {etl.Builtin} over {etl.Communicator}://)") +
                (etl.Created ? $", created{(etl.Deleted ? " and deleted" : ", NOT deleted")}" : ""));
        if (r.SetupError is not null) text.AppendLine($"SETUP FAILED: {r.SetupError}");
        if (r.Prefill is { } p)
            text.AppendLine($"prefill: {p.Objects} objects, {Size(p.Bytes)} in {p.Seconds:0.###}s, {p.Errors} errors");
        text.AppendLine();

        var rows = new List<string[]> { new[] { "op", "count", "errors", "ops/s", "MiB/s", "min ms", "mean ms", "p50 ms", "p90 ms", "p99 ms", "max ms" } };
        foreach (var (name, op) in r.Operations)
        {
            var l = op.LatencyMs;
            rows.Add([name.ToUpperInvariant(), N(op.Count), N(op.Errors), F(op.OpsPerSec, 1), F(op.MibPerSec, 2), F(l.Min, 3), F(l.Mean, 3), F(l.P50, 3), F(l.P90, 3), F(l.P99, 3), F(l.Max, 3)]);
        }
        rows.Add(["total", N(r.Total.Count), N(r.Total.Errors), F(r.Total.OpsPerSec, 1), F(r.Total.MibPerSec, 2), "", "", "", "", "", ""]);
        AppendTable(text, rows);
        text.AppendLine();
        text.AppendLine($"wall time {r.WallSeconds:0.###}s, workload {r.WorkloadSeconds:0.###}s, {r.ObjectsWritten} distinct objects written" +
            (r.StoppedEarly is null ? "" : $" (stopped early: {r.StoppedEarly})"));

        var v = r.Verification;
        text.AppendLine(v.Enabled
            ? $"verification ({v.Method}): {v.Verified} verified, {v.Unverified} unverified, {v.WrongReads} wrong reads"
            : "verification: off (--verify checks every GET)");
        if (v.Note is not null) text.AppendLine($"  {v.Note}");

        var kinds = r.Operations.SelectMany(o => o.Value.ErrorsByKind.Select(k => (Op: o.Key.ToUpperInvariant(), k.Key, k.Value)))
            .Concat(r.Prefill?.ErrorsByKind.Select(k => (Op: "PREFILL", k.Key, k.Value)) ?? [])
            .Concat(r.Cleanup?.ErrorsByKind.Select(k => (Op: "DELETE", k.Key, k.Value)) ?? [])
            .ToList();
        if (kinds.Count > 0)
        {
            text.AppendLine("errors by kind:");
            AppendTable(text, kinds.Select(k => new[] { "  " + k.Op, k.Key, N(k.Value) }).ToList());
        }
        if (r.WrongReads.Count > 0)
        {
            text.AppendLine($"wrong reads ({r.WrongReads.Count}):");
            foreach (var f in r.WrongReads) text.AppendLine("  " + Line(f));
        }
        var listedFailures = r.Failures.Where(f => f.Kind != Http.ErrorKinds.WrongContent).ToList();
        if (listedFailures.Count > 0)
        {
            var shown = r.Settings.Stress ? listedFailures : listedFailures.Take(FailuresShownNormally).ToList();
            text.AppendLine($"failures ({listedFailures.Count + r.FailuresNotListed}):");
            foreach (var f in shown) text.AppendLine("  " + Line(f));
            var hidden = listedFailures.Count - shown.Count + r.FailuresNotListed;
            if (hidden > 0) text.AppendLine($"  ... {hidden} more" + (r.FailuresNotListed > 0 ? $" ({r.FailuresNotListed} beyond the listing cap, counted only)" : " (all listed with --json)"));
        }
        if (r.Cleanup is { } c)
            text.AppendLine($"cleanup: {c.Deleted} deleted, {c.Errors} errors" + (c.BucketDeleted ? ", bucket deleted" : ""));
        foreach (var note in r.Notes) text.AppendLine($"note: {note}");
        text.AppendLine(r.ExitCode == ExitCodes.Ok
            ? r.Total.Errors + (r.Prefill?.Errors ?? 0) + (r.Cleanup?.Errors ?? 0) > 0 ? "result: failures seen (--stress: exit 0)" : "result: OK"
            : "result: FAILED");
        return text.ToString();
    }

    private static string Line(FailureReport f) =>
        $"{f.Time.UtcDateTime:HH:mm:ss.fff} +{f.ElapsedSeconds:0.000}s {f.Operation} {f.Object} {f.Kind}: {f.Detail} [{f.Endpoint}]";

    private static void AppendTable(StringBuilder text, List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows.Max(r => r.Length)).Select(i => rows.Max(r => i < r.Length ? r[i].Length : 0)).ToArray();
        foreach (var row in rows)
        {
            // First column left-aligned (names), numbers right-aligned.
            var cells = row.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]));
            text.AppendLine(string.Join("  ", cells).TrimEnd());
        }
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    /// <summary>A short human form: 4 KiB, 1.5 MiB.</summary>
    private static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : value.ToString(value % 1 == 0 ? "0" : "0.##", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
