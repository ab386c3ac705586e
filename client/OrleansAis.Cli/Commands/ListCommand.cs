using System.CommandLine;
using OrleansAis.Cli.Arguments;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Commands;

/// <summary><c>oais ls [BUCKET[/PREFIX]]</c>: the objects of a bucket (every page), or the buckets.</summary>
internal static class ListCommand
{
    public static Command Create(CommandRunner runner)
    {
        var target = Symbols.Positional<string?>("BUCKET", "Bucket to list; BUCKET/PREFIX is the same as --prefix. Without it: list buckets", ArgumentArity.ZeroOrOne);
        var prefix = new Option<string?>("--prefix") { Description = "Only names starting with this", HelpName = "PREFIX" };
        var pageSize = new Option<int?>("--page-size") { Description = "Names per request (1-10000; the server's default otherwise)", HelpName = "N" };
        var limit = new Option<long?>("--limit") { Description = "Stop after this many names", HelpName = "N" };
        pageSize.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1 or > 10_000) r.AddError("--page-size must be from 1 to 10000");
        });
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long?>() is < 1) r.AddError("--limit must be at least 1");
        });
        var command = new Command("ls", "List the objects of a bucket (following every continuation token), or the buckets") { target, prefix, pageSize, limit };
        command.SetAction(runner.Run(async ctx =>
        {
            if (ctx.Value(target) is not { } text)
            {
                if (ctx.Given(prefix) || ctx.Given(pageSize) || ctx.Given(limit)) throw new UsageException("--prefix, --page-size and --limit need a BUCKET");
                BucketCommands.WriteBuckets(ctx.Output, await ctx.Api.ListBucketsAsync(ctx.Cancellation));
                return;
            }
            var address = ObjectAddress.Parse(text);
            if (address.Name is not null && ctx.Given(prefix)) throw new UsageException($"give the prefix either as BUCKET/PREFIX or as --prefix, not both");
            var writer = new ObjectListingWriter(ctx.Output);
            // The first page is fetched before anything is written, so a missing bucket prints only the error.
            await using var entries = ctx.Api.ListObjectsAsync(address.Bucket, address.Name ?? ctx.Value(prefix), ctx.Value(pageSize), ctx.Value(limit), ctx.Cancellation)
                .GetAsyncEnumerator(ctx.Cancellation);
            var any = await entries.MoveNextAsync();
            writer.Begin();
            for (; any; any = await entries.MoveNextAsync()) writer.Write(entries.Current);
            writer.End();
        }));
        return command;
    }
}
