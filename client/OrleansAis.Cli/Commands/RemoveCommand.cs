using System.CommandLine;
using OrleansAis.Cli.Arguments;

namespace OrleansAis.Cli.Commands;

/// <summary><c>oais rm BUCKET/NAME...</c> or <c>oais rm BUCKET --prefix P</c>: delete objects.</summary>
internal static class RemoveCommand
{
    public static Command Create(CommandRunner runner)
    {
        var targets = Symbols.Positional<string[]>("OBJECT", "BUCKET/NAME of each object; with --prefix, just the BUCKET", ArgumentArity.OneOrMore);
        var prefix = new Option<string?>("--prefix") { Description = "Delete every object whose name starts with this (\"\" deletes all)", HelpName = "PREFIX" };
        var workers = Symbols.Workers();
        var command = new Command("rm", "Delete objects (a missing one is exit code 3)") { targets, prefix, workers };
        command.SetAction(runner.Run(async ctx =>
        {
            var addresses = ctx.Value(targets)!.Select(ObjectAddress.Parse).ToList();
            var victims = ctx.Value(prefix) is { } p ? await SelectByPrefixAsync(ctx, addresses, p) : addresses.Select(a => (a.Bucket, Name: a.RequireName())).ToList();
            var options = new ParallelOptions { MaxDegreeOfParallelism = ctx.Value(workers), CancellationToken = ctx.Cancellation };
            await Parallel.ForEachAsync(victims, options, (v, ct) => new ValueTask(ctx.Api.DeleteObjectAsync(v.Bucket, v.Name, ct)));
            ctx.Output.Write(new { deleted = victims.Select(v => new { bucket = v.Bucket, name = v.Name }) }, writer =>
            {
                if (victims.Count == 1) writer.WriteLine($"deleted {victims[0].Bucket}/{victims[0].Name}");
                else writer.WriteLine($"deleted {victims.Count} objects");
            });
        }));
        return command;
    }

    private static async Task<List<(string Bucket, string Name)>> SelectByPrefixAsync(CommandContext ctx, List<ObjectAddress> addresses, string prefix)
    {
        if (addresses is not [{ Name: null } bucketOnly]) throw new UsageException("with --prefix, give exactly one BUCKET (no object names)");
        var selected = new List<(string, string)>();
        await foreach (var entry in ctx.Api.ListObjectsAsync(bucketOnly.Bucket, prefix, pageSize: null, limit: null, ctx.Cancellation))
            selected.Add((bucketOnly.Bucket, entry.Name));
        return selected;
    }
}
