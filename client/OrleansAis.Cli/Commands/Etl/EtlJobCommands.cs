using System.CommandLine;
using System.Globalization;
using OrleansAis.Cli.Arguments;
using OrleansAis.Cli.Commands.Jobs;
using OrleansAis.Http.Contracts;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Commands.Etl;

/// <summary>
/// <c>oais etl inspect NAME BUCKET</c> (run the ETL over objects, keep nothing, report the ones that fail) and
/// <c>oais etl bucket NAME SRC DST</c> (an offline bucket-to-bucket transform): both start a job on every silo.
/// </summary>
internal static class EtlJobCommands
{
    public static Command Inspect(CommandRunner runner)
    {
        var name = EtlChoice.NameArgument();
        var bucket = Symbols.Positional<string>("BUCKET", "The bucket whose objects go through the ETL");
        var selection = new JobSelectionOptions();
        var etlArgs = EtlChoice.ArgsOption();
        var workers = NumWorkers();
        var timeout = JobCommands.TimeoutOption();
        var command = new Command("inspect",
            "Run the ETL over objects and keep nothing: waits, then prints the counts and every failing object (exit code 1 if any failed)")
        {
            name, bucket, selection.Prefix, selection.List, selection.Template, etlArgs, workers, timeout,
        };
        command.SetAction(runner.Run(async ctx =>
        {
            var (prefix, names, template) = selection.Read(ctx);
            var job = await ctx.Api.StartJobAsync(EtlChoice.Parse(ctx.Value(name)!, ctx.Value(etlArgs)).Job() with
            {
                FromBucket = BucketOnly(ctx.Value(bucket)!), Prefix = prefix, Names = names, Template = template,
                NumWorkers = ctx.Value(workers), Mode = "inspect", ContinueOnError = true, CreateDestination = false, Incremental = false,
            }, ctx.Cancellation);
            var done = await JobWaiter.WaitAsync(ctx, job.Id, JobCommands.Timeout(ctx, timeout));
            ctx.Output.Write(done, writer => JobReport.WriteOutcome(writer, done));
            JobWaiter.EnsureSucceeded(done);
            if (done.Errors > 0)
            {
                var total = (done.Objects + done.Errors).ToString(CultureInfo.InvariantCulture);
                throw new CommandFailedException("ObjectsFailed", $"{done.Errors.ToString(CultureInfo.InvariantCulture)} of {total} objects failed ETL {job.Request.Etl}");
            }
        }));
        return command;
    }

    public static Command Bucket(CommandRunner runner)
    {
        var name = EtlChoice.NameArgument();
        var source = Symbols.Positional<string>("SRC_BUCKET", "The bucket to read");
        var destination = Symbols.Positional<string>("DST_BUCKET", "The bucket the results go to (names kept, unless --ext/--prepend)");
        var selection = new JobSelectionOptions();
        var ext = new Option<string?>("--ext") { Description = "Rename extensions: {flac:wav} or {flac:wav,mp3:ogg}", HelpName = "MAP" };
        var prepend = new Option<string?>("--prepend") { Description = "Prefix added to every destination name", HelpName = "PREFIX" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Count the objects and bytes a transform would read; write nothing" };
        var continueOnError = new Option<bool>("--continue-on-error") { Description = "Record failing objects and go on (else the first error fails the job)" };
        var createDestination = new Option<bool>("--create-destination") { Description = "Create DST_BUCKET if it does not exist" };
        var incremental = new Option<bool>("--incremental") { Description = "Skip objects this ETL already produced from the same source version" };
        var wait = new Option<bool>("--wait") { Description = "Wait for the job, showing progress; exit code 1 unless it Succeeded" };
        var timeout = JobCommands.TimeoutOption();
        timeout.Description += "; implies --wait";
        var etlArgs = EtlChoice.ArgsOption();
        var workers = NumWorkers();
        var command = new Command("bucket", "Transform a bucket (or the selected objects) into another, on every silo at once; prints the job id")
        {
            name, source, destination, selection.Prefix, selection.List, selection.Template, ext, prepend, workers, dryRun,
            continueOnError, createDestination, incremental, etlArgs, wait, timeout,
        };
        command.SetAction(runner.Run(async ctx =>
        {
            var (prefix, names, template) = selection.Read(ctx);
            var request = EtlChoice.Parse(ctx.Value(name)!, ctx.Value(etlArgs)).Job() with
            {
                FromBucket = BucketOnly(ctx.Value(source)!), ToBucket = BucketOnly(ctx.Value(destination)!),
                Prefix = prefix, Names = names, Template = template,
                Ext = ctx.Value(ext) is { } map ? ExtensionMapArgument.Parse(map) : null, Prepend = ctx.Value(prepend),
                NumWorkers = ctx.Value(workers), Mode = ctx.Value(dryRun) ? "dry-run" : "transform", ContinueOnError = ctx.Value(continueOnError),
                CreateDestination = ctx.Value(createDestination), Incremental = ctx.Value(incremental),
            };
            var limit = JobCommands.Timeout(ctx, timeout);
            var job = await ctx.Api.StartJobAsync(request, ctx.Cancellation);
            if (!ctx.Value(wait) && limit is null)
            {
                ctx.Output.Write(job, writer => writer.WriteLine(job.Id));
                return;
            }
            // The id first, so an interrupted or timed-out wait still tells where to look.
            if (!ctx.Output.Json) ctx.Output.Out.WriteLine($"started job {job.Id}: ETL {job.Request.Etl}, {request.FromBucket} => {request.ToBucket}");
            var done = await JobWaiter.WaitAsync(ctx, job.Id, limit);
            JobWaiter.Report(ctx, done);
        }));
        return command;
    }

    private static Option<int?> NumWorkers() =>
        new("--num-workers") { Description = "Objects transformed at once on each silo (1-64) [default: four per core of each silo]", HelpName = "N" };

    private static string BucketOnly(string text)
    {
        var address = ObjectAddress.Parse(text);
        return address.Name is null ? address.Bucket : throw new UsageException($"'{text}': give the bucket alone (select objects with --prefix, --list or --template)");
    }
}
