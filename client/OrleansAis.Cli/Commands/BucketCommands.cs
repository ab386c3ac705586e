using System.CommandLine;
using OrleansAis.Cli.Arguments;
using OrleansAis.Http.Contracts;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Commands;

/// <summary><c>oais bucket create|ls|rm</c>.</summary>
internal static class BucketCommands
{
    public static Command Create(CommandRunner runner) => new("bucket", "Create, list and remove buckets")
    {
        CreateCommand(runner),
        ListCommand(runner),
        RemoveCommand(runner),
    };

    /// <summary>The bucket table (or {"buckets":[...]}), shared with <c>oais ls</c> without a bucket.</summary>
    public static void WriteBuckets(CommandOutput output, IReadOnlyList<BucketDto> buckets) => output.Write(new BucketListDto(buckets), writer =>
    {
        var table = new TextTable(new("NAME"), new("CREATED"), new("PROPERTIES"));
        foreach (var b in buckets)
            table.AddRow(b.Name, Times.Format(b.Created), string.Join(", ", b.Properties.Select(p => $"{p.Key}={p.Value}")));
        table.WriteTo(writer);
    });

    private static Command CreateCommand(CommandRunner runner)
    {
        var buckets = Symbols.Positional<string[]>("BUCKET", "Bucket names", ArgumentArity.OneOrMore);
        var props = new Option<string[]>("--prop") { Description = "A bucket property, repeatable", HelpName = "KEY=VALUE" };
        var command = new Command("create", "Create buckets") { buckets, props };
        command.SetAction(runner.Run(async ctx =>
        {
            var properties = KeyValueArguments.Parse(ctx.Value(props), "--prop");
            var created = new List<BucketDto>();
            foreach (var bucket in ctx.Value(buckets)!) created.Add(await ctx.Api.CreateBucketAsync(bucket, properties, ctx.Cancellation));
            ctx.Output.Write(new BucketListDto(created), writer => created.ForEach(b => writer.WriteLine($"created bucket {b.Name}")));
        }));
        return command;
    }

    private static Command ListCommand(CommandRunner runner)
    {
        var command = new Command("ls", "List buckets");
        command.SetAction(runner.Run(async ctx => WriteBuckets(ctx.Output, await ctx.Api.ListBucketsAsync(ctx.Cancellation))));
        return command;
    }

    private static Command RemoveCommand(CommandRunner runner)
    {
        var buckets = Symbols.Positional<string[]>("BUCKET", "Bucket names", ArgumentArity.OneOrMore);
        var force = new Option<bool>("--force", "-f") { Description = "Also delete every object in the bucket (else a non-empty bucket is refused)" };
        var command = new Command("rm", "Remove buckets") { buckets, force };
        command.SetAction(runner.Run(async ctx =>
        {
            var removed = new List<object>();
            foreach (var bucket in ctx.Value(buckets)!)
            {
                await ctx.Api.DeleteBucketAsync(bucket, ctx.Value(force), ctx.Cancellation);
                removed.Add(new { bucket });
            }
            ctx.Output.Write(new { deleted = removed }, writer =>
            {
                foreach (var bucket in ctx.Value(buckets)!) writer.WriteLine($"removed bucket {bucket}");
            });
        }));
        return command;
    }
}
