using System.CommandLine;
using OrleansAis.Cli.Arguments;

namespace OrleansAis.Cli.Commands;

/// <summary>
/// <c>oais cp BUCKET/NAME BUCKET[/NAME]</c>: a server-side copy (the destination's owner streams the object from the
/// source's owner; no bytes pass through the CLI).
/// </summary>
internal static class CopyCommand
{
    public static Command Create(CommandRunner runner)
    {
        var source = Symbols.Positional<string>("SOURCE", "BUCKET/NAME of the object to copy");
        var destination = Symbols.Positional<string>("DESTINATION", "BUCKET/NAME of the copy, or BUCKET to keep the name");
        var command = new Command("cp", "Copy an object on the server (between or within buckets)") { source, destination };
        command.SetAction(runner.Run(async ctx =>
        {
            var from = ObjectAddress.Parse(ctx.Value(source)!);
            var fromName = from.RequireName();
            var to = ObjectAddress.Parse(ctx.Value(destination)!);
            var meta = await ctx.Api.CopyObjectAsync(from.Bucket, fromName, to.Bucket, to.Name ?? fromName, ctx.Cancellation);
            ctx.Output.Write(meta, writer => writer.WriteLine($"copied {from.Bucket}/{fromName} to {meta.Bucket}/{meta.Name} ({meta.Size} bytes)"));
        }));
        return command;
    }
}
