using System.Globalization;
using OrleansAis.Http.Contracts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace OrleansAis.Cli.Output;

/// <summary>How a wait for a job shows its progress.</summary>
internal enum JobProgressDisplay
{
    /// <summary>--json: stdout carries one document and stderr only errors.</summary>
    None,
    /// <summary>stderr is a terminal: a live bar.</summary>
    Bar,
    /// <summary>stderr is a file or pipe (CI logs): a line now and then.</summary>
    Lines,
}

/// <summary>
/// Shows a running job's progress across silos on stderr while <c>wait</c> follows it. A job's total is known once every
/// silo has counted its share (before transforming it; at once for a list): from then on the bar shows a percentage.
/// </summary>
internal static class JobProgress
{
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(2);

    public static async Task<JobDetailsDto> RunAsync(JobProgressDisplay display, TextWriter stderr, Func<Action<JobDetailsDto>, Task<JobDetailsDto>> wait)
    {
        switch (display)
        {
            case JobProgressDisplay.Bar:
                return await WithBarAsync(stderr, wait);
            case JobProgressDisplay.Lines:
                var lines = new LineReporter(stderr);
                return await wait(lines.Show);
            default:
                return await wait(_ => { });
        }
    }

    /// <summary>The objects the job selected: counted by its silos, or the list it names; null while unknown.</summary>
    public static long? TotalOf(JobDetailsDto job) => job.TotalObjects ?? job.Request.Names?.Count;

    /// <summary>E.g. <c>job-1a2b: 45% of 300, 120 objects, 1.2 MiB in, 0 errors; silos running 2/3</c>.</summary>
    public static string Describe(JobDetailsDto job)
    {
        var running = job.Nodes.Count(n => n.State == JobReport.Running);
        return $"{job.Id}: {Percent(job, TotalOf(job))}{(TotalOf(job) is { } total ? $"of {total.ToString(CultureInfo.InvariantCulture)}, " : "")}" +
            $"{job.Objects.ToString(CultureInfo.InvariantCulture)} objects, {Sizes.Format(job.BytesIn)} in, " +
            $"{job.Skipped.ToString(CultureInfo.InvariantCulture)} skipped, {job.Errors.ToString(CultureInfo.InvariantCulture)} errors; " +
            $"silos running {running}/{job.Nodes.Count}";
    }

    private static async Task<JobDetailsDto> WithBarAsync(TextWriter stderr, Func<Action<JobDetailsDto>, Task<JobDetailsDto>> wait)
    {
        // As for transfers: bars are only asked for when stderr is a terminal, which Spectre would judge by stdout.
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr), Interactive = InteractionSupport.Yes });
        var counts = new CountsColumn();
        return await console.Progress()
            .AutoClear(false)
            .Columns(new SpinnerColumn(), new ProgressBarColumn { Width = 24 }, counts, new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask? task = null;
                return await wait(job =>
                {
                    var total = TotalOf(job);
                    task ??= context.AddTask(job.Id, maxValue: Math.Max(total ?? 1, 1));
                    task.MaxValue = Math.Max(total ?? 1, 1); // the total arrives once every silo has counted its share
                    task.IsIndeterminate = total is null && job.State == JobReport.Running;
                    if (total is not null) task.Value = Math.Min(job.Objects + job.Skipped + job.Errors, total.Value);
                    if (job.State != JobReport.Running) task.Value = task.MaxValue;
                    counts.Text = Counts(job, total);
                });
            });
    }

    /// <summary>Short enough to leave the bar room on an 80-column terminal: <c>45% 120 done, 1.2 MiB, 0 errors, 2/3 silos busy</c>.</summary>
    private static string Counts(JobDetailsDto job, long? total) =>
        $"{Percent(job, total)}{job.Objects.ToString(CultureInfo.InvariantCulture)} done, {Sizes.Format(job.BytesIn)}, " +
            $"{job.Errors.ToString(CultureInfo.InvariantCulture)} errors, {job.Nodes.Count(n => n.State == JobReport.Running)}/{job.Nodes.Count} silos busy";

    /// <summary><c>45% </c>: processed (done, skipped, failed) of the total; empty while the total is unknown.</summary>
    private static string Percent(JobDetailsDto job, long? total) =>
        total is > 0 ? $"{Math.Min(100, (job.Objects + job.Skipped + job.Errors) * 100 / total.Value).ToString(CultureInfo.InvariantCulture)}% " : "";

    /// <summary>The one job's counts as plain text (the description column takes markup and would wrap them under the bar).</summary>
    private sealed class CountsColumn : ProgressColumn
    {
        /// <summary>Set by the polling loop, read by Spectre's refresh thread: a reference swap, so no lock.</summary>
        public volatile string Text = "";

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) => new Text(Text);
    }

    /// <summary>A line when something changed and a couple of seconds have passed, and always for the final state.</summary>
    private sealed class LineReporter(TextWriter stderr)
    {
        private DateTime _last = DateTime.MinValue;
        private string? _lastText;

        public void Show(JobDetailsDto job)
        {
            var text = Describe(job);
            var final = job.State != JobReport.Running;
            if (text == _lastText || (!final && DateTime.UtcNow - _last < LineInterval)) return;
            stderr.WriteLine(text);
            (_last, _lastText) = (DateTime.UtcNow, text);
        }
    }
}
