using System.CommandLine;
using System.Globalization;
using OrleansAis.Cli.Arguments;
using OrleansAis.Cli.Output;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Cli.Commands.Jobs;

/// <summary><c>oais job show|wait|abort</c>: offline ETL jobs, as AIStore's <c>ais job</c>.</summary>
internal static class JobCommands
{
    public static Command Create(CommandRunner runner) => new("job", "Show, wait for and abort offline ETL jobs")
    {
        ShowCommand(runner),
        WaitCommand(runner),
        AbortCommand(runner),
    };

    /// <summary>--timeout for the commands that wait; parsed as a duration (90, 45s, 5m, 1h30m).</summary>
    public static Option<string?> TimeoutOption() =>
        new("--timeout") { Description = "Stop waiting after this long (the job goes on; exit code 1): 90, 45s, 5m, 1h30m", HelpName = "DURATION" };

    public static TimeSpan? Timeout(CommandContext ctx, Option<string?> option) =>
        ctx.Value(option) is { } text ? DurationArgument.Parse(text, "--timeout") : null;

    private static Command ShowCommand(CommandRunner runner)
    {
        var id = Symbols.Positional<string?>("ID", "A job id; without it, list every job", ArgumentArity.ZeroOrOne);
        var command = new Command("show", "List jobs, or show one job per silo: state, objects, bytes, errors with object names, elapsed") { id };
        command.SetAction(runner.Run(async ctx =>
        {
            if (ctx.Value(id) is { } one)
            {
                var job = await ctx.Api.GetJobAsync(one, wait: null, ctx.Cancellation);
                ctx.Output.Write(job, writer => JobReport.WriteDetails(writer, job));
                return;
            }
            var jobs = (await ctx.Api.ListJobsAsync(ctx.Cancellation)).OrderBy(j => j.Started).ToList();
            ctx.Output.Write(new JobListDto(jobs), writer =>
            {
                var table = new TextTable(new("ID"), new("STATE"), new("ETL"), new("MODE"), new("FROM"), new("TO"),
                    new("OBJECTS", AlignRight: true), new("ERRORS", AlignRight: true), new("STARTED"), new("ELAPSED", AlignRight: true));
                foreach (var j in jobs)
                {
                    table.AddRow(j.Id, j.State, j.Etl, j.Mode, j.FromBucket, j.ToBucket ?? "-", j.Objects.ToString(CultureInfo.InvariantCulture),
                        j.Errors.ToString(CultureInfo.InvariantCulture), Times.Format(j.Started), Times.FormatDuration(JobReport.Elapsed(j.Started, j.Finished)));
                }
                table.WriteTo(writer);
            });
        }));
        return command;
    }

    private static Command WaitCommand(CommandRunner runner)
    {
        var id = Symbols.Positional<string>("ID", "The job id");
        var timeout = TimeoutOption();
        var command = new Command("wait", "Wait for a job to end, showing progress; exit code 1 unless it Succeeded") { id, timeout };
        command.SetAction(runner.Run(async ctx =>
        {
            var job = await JobWaiter.WaitAsync(ctx, ctx.Value(id)!, Timeout(ctx, timeout));
            JobWaiter.Report(ctx, job);
        }));
        return command;
    }

    private static Command AbortCommand(CommandRunner runner)
    {
        var ids = Symbols.Positional<string[]>("ID", "Job ids", ArgumentArity.OneOrMore);
        var command = new Command("abort", "Abort jobs on every silo (what was done is kept)") { ids };
        command.SetAction(runner.Run(async ctx =>
        {
            var aborted = new List<JobDetailsDto>();
            foreach (var id in ctx.Value(ids)!) aborted.Add(await ctx.Api.AbortJobAsync(id, ctx.Cancellation));
            ctx.Output.Write(new { jobs = aborted }, writer =>
            {
                foreach (var job in aborted)
                {
                    // Aborting a job that already ended changes nothing; say so rather than claim an abort.
                    var what = job.State == "Aborted" ? $"aborted job {job.Id}" : $"job {job.Id} had already ended: {job.State}";
                    writer.WriteLine($"{what} ({job.Objects.ToString(CultureInfo.InvariantCulture)} objects done)");
                }
            });
        }));
        return command;
    }
}
