using System.CommandLine;
using System.Globalization;
using OrleansAis.Cli.Output;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Cli.Commands;

/// <summary>
/// <c>oais watch BUCKET</c> (or <c>--etl NAME</c>, <c>--job ID</c>): prints events as they happen, one line each, from the
/// server-sent events of <c>GET /v1/events</c>; with <c>--json</c> each line is the event's document. Runs until Ctrl+C
/// (a job: until it ends), or until <c>--count</c> events were printed.
/// </summary>
internal static class WatchCommand
{
    public static Command Create(CommandRunner runner)
    {
        var bucket = Symbols.Positional<string?>("BUCKET", "The bucket whose objects to watch", ArgumentArity.ZeroOrOne);
        var etl = new Option<string?>("--etl") { Description = "Watch an ETL's stages on every silo instead", HelpName = "NAME" };
        var job = new Option<string?>("--job") { Description = "Watch a job's progress until it ends instead", HelpName = "ID" };
        var count = new Option<int?>("--count") { Description = "Stop after this many events", HelpName = "N" };
        var command = new Command("watch", "Print a bucket's object events (or an ETL's or a job's) as they happen") { bucket, etl, job, count };
        command.Validators.Add(result =>
        {
            var given = new object?[] { result.GetValue(bucket), result.GetValue(etl), result.GetValue(job) }.Count(v => v is not null);
            if (given != 1) result.AddError("give exactly one of BUCKET, --etl NAME or --job ID");
            if (result.GetValue(count) is < 1) result.AddError("--count must be at least 1");
        });
        command.SetAction(runner.Run(async ctx =>
        {
            var (subject, value) = ctx.Value(bucket) is { } b ? (OaisQuery.Bucket, b)
                : ctx.Value(etl) is { } e ? (OaisQuery.Etl, e) : (OaisQuery.Job, ctx.Value(job)!);
            var left = ctx.Value(count);
            await foreach (var next in ctx.Api.FollowEventsAsync(subject, value, ctx.Cancellation))
            {
                if (next.Kind == OaisEventKinds.Subscribed) continue;
                if (ctx.Output.Json) ctx.Output.Out.WriteLine($"{{\"event\":\"{next.Kind}\",\"data\":{next.Data}}}");
                else ctx.Output.Out.WriteLine(Describe(next));
                await ctx.Output.Out.FlushAsync(ctx.Cancellation);
                if (--left == 0) return;
            }
        }));
        return command;
    }

    /// <summary>E.g. <c>12:00:01.234  object.created      photos/cat.jpg  v1  12.3 KiB  node-0</c>.</summary>
    public static string Describe(ServerSentEvent e)
    {
        switch (e.Kind)
        {
            case OaisEventKinds.ObjectCreated or OaisEventKinds.ObjectOverwritten or OaisEventKinds.ObjectDeleted:
                var o = e.As<ObjectEventDto>();
                var version = o.Kind == OaisEventKinds.ObjectDeleted ? "" : $"  v{o.Version.ToString(CultureInfo.InvariantCulture)}  {Sizes.Format(o.Size)}";
                return $"{Time(o.Time)}  {o.Kind,-18}  {o.Bucket}/{o.Name}{version}  {o.Node}";
            case OaisEventKinds.EtlStage or OaisEventKinds.EtlRestarted:
                var t = e.As<EtlEventDto>();
                return $"{Time(t.Time)}  {t.Kind,-18}  {t.Etl}  {t.Node}  {t.Stage}" + (t.Reason is { Length: > 0 } r ? $"  ({r})" : "");
            case OaisEventKinds.JobProgress or OaisEventKinds.JobState:
                var j = e.As<JobEventDto>();
                return $"{Time(j.Time)}  {j.Kind,-18}  {j.Job}  {j.Node ?? "all nodes"}  {j.State}  {j.Objects.ToString(CultureInfo.InvariantCulture)} objects, "
                    + $"{Sizes.Format(j.BytesIn)} in, {j.Errors.ToString(CultureInfo.InvariantCulture)} errors" + (j.Message is { Length: > 0 } m ? $"  ({m})" : "");
            case OaisEventKinds.Lost:
                return $"(the server dropped {e.As<EventsLostDto>().Count.ToString(CultureInfo.InvariantCulture)} events this connection read too slowly)";
            default:
                return $"{e.Kind}  {e.Data}";
        }
    }

    private static string Time(DateTimeOffset time) => time.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
