using System.CommandLine;
using OrleansAis.Cli.Arguments;
using OrleansAis.Http.Contracts;
using OrleansAis.Cli.Output;
using OrleansAis.Cli.Transfers;

namespace OrleansAis.Cli.Commands;

/// <summary><c>oais put FILE|DIR|- BUCKET[/NAME]</c>: upload a file, standard input, or (with -r) a directory tree.</summary>
internal static class PutCommand
{
    public static Command Create(CommandRunner runner)
    {
        var source = Symbols.Positional<string>("SOURCE", "A file, a directory (with -r), or - for standard input");
        var destination = Symbols.Positional<string>("DESTINATION",
            "BUCKET (keeps the file name), BUCKET/NAME, or BUCKET/DIR/ (a virtual directory; for -r, the prefix of every name)");
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Upload every file under a directory; names are relative paths with '/'" };
        var workers = Symbols.Workers();
        var contentType = new Option<string?>("--content-type") { Description = "Content-Type stored with the objects", HelpName = "TYPE" };
        var meta = new Option<string[]>("--meta") { Description = "Custom metadata stored with the objects, repeatable", HelpName = "KEY=VALUE" };
        var command = new Command("put", "Upload objects (streamed; several in parallel)") { source, destination, recursive, workers, contentType, meta };
        command.SetAction(runner.Run(async ctx =>
        {
            var target = ObjectAddress.Parse(ctx.Value(destination)!);
            var items = UploadPlan.Build(ctx.Value(source)!, target, ctx.Value(recursive));
            var custom = KeyValueArguments.ParseHeaderSafe(ctx.Value(meta), "--meta");
            var type = ctx.Value(contentType);
            if (type is not null && !System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out _))
                throw new UsageException($"--content-type '{type}' is not a media type");
            // A missing bucket fails here, before any bytes are sent.
            if (!await ctx.Api.BucketExistsAsync(target.Bucket, ctx.Cancellation))
                throw new OaisApiException(System.Net.HttpStatusCode.NotFound, nameof(OaisErrorCode.BucketNotFound), $"bucket '{target.Bucket}' does not exist");
            var uploader = new Uploader(ctx.Api, ctx.Value(workers));
            var stored = await TransferProgress.RunAsync(ctx.ProgressAllowed, "PUT", items.Count, items.Sum(i => i.Length ?? 0),
                progress => uploader.PutAsync(target.Bucket, items, type, custom, progress, ctx.Cancellation));
            ctx.Output.Write(new { objects = stored }, writer => WriteText(writer, items, stored));
        }));
        return command;
    }

    private static void WriteText(TextWriter writer, IReadOnlyList<UploadItem> items, IReadOnlyList<ObjectMetaDto> stored)
    {
        if (stored.Count == 1)
        {
            var (item, o) = (items[0], stored[0]);
            writer.WriteLine($"PUT {(item.Source == UploadItem.StandardInput ? "(stdin)" : item.Source)} => {o.Bucket}/{o.Name} ({Sizes.Format(o.Size)})");
            return;
        }
        writer.WriteLine($"PUT {stored.Count} objects ({Sizes.Format(stored.Sum(o => o.Size))})");
    }
}
