using OrleansAis.Http.Contracts;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Commands.Jobs;

/// <summary>Waits for a job with the API's long poll, showing progress, and judges how it ended.</summary>
internal static class JobWaiter
{
    /// <summary>How long one poll may wait: short enough to refresh progress every second, and the server answers early when the job ends.</summary>
    private static readonly TimeSpan ProgressPoll = TimeSpan.FromSeconds(1);

    /// <summary>Without progress to show, fewer requests: the answer still comes the moment the job ends.</summary>
    private static readonly TimeSpan QuietPoll = TimeSpan.FromSeconds(20);

    public static Task<JobDetailsDto> WaitAsync(CommandContext ctx, string id, TimeSpan? timeout)
    {
        var display = ctx.Output.Json ? JobProgressDisplay.None : ctx.ProgressAllowed ? JobProgressDisplay.Bar : JobProgressDisplay.Lines;
        var poll = display == JobProgressDisplay.None ? QuietPoll : ProgressPoll;
        var deadline = timeout is { } t ? DateTime.UtcNow + t : DateTime.MaxValue;
        return JobProgress.RunAsync(display, Console.Error, async show =>
        {
            while (true)
            {
                // Never wait past the deadline; at it, one last immediate look (wait=0) decides.
                var left = TimeSpan.FromTicks(Math.Clamp((deadline - DateTime.UtcNow).Ticks, 0, poll.Ticks));
                var job = await ctx.Api.GetJobAsync(id, left, ctx.Cancellation);
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
