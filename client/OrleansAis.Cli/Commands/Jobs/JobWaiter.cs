using OrleansAis.Http.Contracts;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Commands.Jobs;

/// <summary>
/// Waits for a job, showing progress, and judges how it ended. Progress comes live from the job's events
/// (<c>GET /v1/events?job=</c>); the end is always confirmed by the job's status, and if the event stream fails or stays
/// quiet the wait goes on with the API's long poll, so a lost event never makes it hang or end early.
/// </summary>
internal static class JobWaiter
{
    /// <summary>How long one poll may wait: short enough to refresh progress every second, and the server answers early when the job ends.</summary>
    private static readonly TimeSpan ProgressPoll = TimeSpan.FromSeconds(1);

    /// <summary>Without progress to show, fewer requests: the answer still comes the moment the job ends.</summary>
    private static readonly TimeSpan QuietPoll = TimeSpan.FromSeconds(20);

    /// <summary>Nodes report progress every second; this long without an event, the status is read instead.</summary>
    private static readonly TimeSpan EventSilence = TimeSpan.FromSeconds(5);

    public static Task<JobDetailsDto> WaitAsync(CommandContext ctx, string id, TimeSpan? timeout)
    {
        var display = ctx.Output.Json ? JobProgressDisplay.None : ctx.ProgressAllowed ? JobProgressDisplay.Bar : JobProgressDisplay.Lines;
        var poll = display == JobProgressDisplay.None ? QuietPoll : ProgressPoll;
        var deadline = timeout is { } t ? DateTime.UtcNow + t : DateTime.MaxValue;
        return JobProgress.RunAsync(display, Console.Error, async show =>
        {
            var job = await ctx.Api.GetJobAsync(id, wait: null, ctx.Cancellation);
            show(job);
            if (job.State != JobReport.Running) return job;
            if (display != JobProgressDisplay.None) await FollowEventsAsync(ctx, job, show, deadline);
            while (true)
            {
                // Never wait past the deadline; at it, one last immediate look (wait=0) decides.
                var left = TimeSpan.FromTicks(Math.Clamp((deadline - DateTime.UtcNow).Ticks, 0, poll.Ticks));
                job = await ctx.Api.GetJobAsync(id, left, ctx.Cancellation);
                show(job);
                if (job.State != JobReport.Running) return job;
                if (DateTime.UtcNow >= deadline)
                {
                    throw new CommandFailedException("JobWaitTimeout",
                        $"job {id} is still running after {Times.FormatDuration(timeout!.Value)} (it goes on: 'oais job wait {id}' or 'oais job abort {id}')");
                }
            }
        });
    }

    /// <summary>
    /// Shows progress from the job's events until its final state arrives, the deadline passes, or the stream fails or
    /// stays quiet; the caller then reads the status (which has the errors and the final counts).
    /// </summary>
    private static async Task FollowEventsAsync(CommandContext ctx, JobDetailsDto start, Action<JobDetailsDto> show, DateTime deadline)
    {
        var nodes = start.Nodes.ToDictionary(n => n.Node);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.Cancellation);
        try
        {
            await using var events = ctx.Api.FollowEventsAsync(OaisQuery.Job, start.Id, stop.Token).GetAsyncEnumerator(stop.Token);
            while (true)
            {
                // Pushed back by every event: a quiet stream, or the deadline, ends the following.
                var untilDeadline = deadline == DateTime.MaxValue ? EventSilence : TimeSpan.FromTicks(Math.Max(0, (deadline - DateTime.UtcNow).Ticks));
                stop.CancelAfter(untilDeadline < EventSilence ? untilDeadline : EventSilence);
                if (!await events.MoveNextAsync()) return;
                var e = events.Current;
                if (e.Kind == OaisEventKinds.JobState && e.As<JobEventDto>().State != JobReport.Running) return;
                if (e.Kind != OaisEventKinds.JobProgress) continue;
                var progress = e.As<JobEventDto>();
                if (progress.Node is not { } node) continue;
                var before = nodes.GetValueOrDefault(node);
                nodes[node] = new JobNodeDto(node, progress.State, progress.Objects, progress.BytesIn, progress.BytesOut, progress.Skipped,
                    progress.Errors, before?.Errors ?? [], before?.ElapsedSeconds ?? 0, progress.Message,
                    progress.TotalObjects ?? before?.TotalObjects, progress.TotalBytes ?? before?.TotalBytes, before?.Resumed ?? 0);
                var counted = nodes.Values.All(n => n.TotalObjects is not null);
                show(start with
                {
                    Objects = nodes.Values.Sum(n => n.Objects), BytesIn = nodes.Values.Sum(n => n.BytesIn), BytesOut = nodes.Values.Sum(n => n.BytesOut),
                    Skipped = nodes.Values.Sum(n => n.Skipped), Errors = nodes.Values.Sum(n => n.ErrorCount),
                    Nodes = nodes.Values.OrderBy(n => n.Node, StringComparer.Ordinal).ToList(),
                    TotalObjects = counted ? nodes.Values.Sum(n => n.TotalObjects!.Value) : start.TotalObjects,
                    TotalBytes = counted ? nodes.Values.Sum(n => n.TotalBytes ?? 0) : start.TotalBytes,
                });
            }
        }
        catch (OperationCanceledException) when (!ctx.Cancellation.IsCancellationRequested)
        {
            // quiet for too long, or the deadline: the status decides
        }
        catch (Exception e) when (e is OaisApiException or OaisConnectionException or IOException or HttpRequestException)
        {
            // a server without events, or a stream that broke: the status decides
        }
    }

    /// <summary>Writes how the job ended (stdout), then fails the command unless it succeeded.</summary>
    public static void Report(CommandContext ctx, JobDetailsDto job)
    {
        ctx.Output.Write(job, writer => JobReport.WriteOutcome(writer, job));
        EnsureSucceeded(job);
    }

    public static void EnsureSucceeded(JobDetailsDto job)
    {
        if (job.State == JobReport.Succeeded) return;
        throw new CommandFailedException("Job" + job.State, $"job {job.Id} {job.State}" + (job.Reason is { Length: > 0 } r ? $": {r}" : ""));
    }
}
