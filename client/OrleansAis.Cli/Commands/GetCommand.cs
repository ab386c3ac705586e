using System.CommandLine;
using OrleansAis.Cli.Arguments;
using OrleansAis.Cli.Output;
using OrleansAis.Cli.Transfers;

namespace OrleansAis.Cli.Commands;

/// <summary>
/// <c>oais get BUCKET/NAME [FILE|DIR|-]</c>: download an object (whole objects are checked against the stored xxhash64);
/// <c>oais get BUCKET [--prefix P] [DIR]</c>: download many, each to DIR/NAME.
/// </summary>
internal static class GetCommand
{
    private const string StandardOutput = "-";

    public static Command Create(CommandRunner runner)
    {
        var source = Symbols.Positional<string>("SOURCE", "BUCKET/NAME for one object; BUCKET (with --prefix, or for all) for many");
        var destination = Symbols.Positional<string?>("DESTINATION",
            "A file, a directory, or - for standard output [default: the name's last segment, or . for many]",
            ArgumentArity.ZeroOrOne);
        var range = new Option<string?>("--range") { Description = "Only these bytes: A-B (inclusive), A- or -N (the last N)", HelpName = "A-B" };
        var prefix = new Option<string?>("--prefix") { Description = "Download every object whose name starts with this (SOURCE is a BUCKET)", HelpName = "PREFIX" };
        var workers = Symbols.Workers();
        var command = new Command("get", "Download objects (streamed; verified; several in parallel)") { source, destination, range, prefix, workers };
        command.SetAction(runner.Run(async ctx =>
        {
            var address = ObjectAddress.Parse(ctx.Value(source)!);
            var rangeText = ctx.Value(range);
            if (address.Name is null)
            {
                if (rangeText is not null) throw new UsageException("--range applies to one object: give BUCKET/NAME");
                await GetManyAsync(ctx, address.Bucket, ctx.Value(prefix) ?? "", ctx.Value(destination) ?? ".", ctx.Value(workers));
                return;
            }
            if (ctx.Given(prefix)) throw new UsageException("--prefix selects many objects: give only the BUCKET");
            await GetOneAsync(ctx, address.Bucket, address.Name, ctx.Value(destination), rangeText is null ? null : ByteRangeArgument.Parse(rangeText));
        }));
        return command;
    }

    private static async Task GetOneAsync(CommandContext ctx, string bucket, string name, string? destination, ByteRangeArgument? range)
    {
        // Resolved before the request so a usage problem (e.g. a name ending in '/') costs no transfer.
        var file = destination == StandardOutput ? null : DownloadPaths.ForObject(name, destination, Directory.Exists);
        await using var download = await ctx.Api.GetObjectAsync(bucket, name,
            range is null ? null : new System.Net.Http.Headers.RangeHeaderValue(range.First, range.Last), ctx.Cancellation);
        await TransferProgress.RunAsync(ctx.ProgressAllowed, "GET", 1, download.ContentLength, async progress =>
        {
            if (file is null)
            {
                await using var stdout = Console.OpenStandardOutput();
                await ObjectSaver.CopyAsync(download, stdout, progress, ctx.Cancellation);
            }
            else
            {
                await ObjectSaver.SaveAsync(download, file, progress, ctx.Cancellation);
            }
            return true;
        });
        if (file is null) return; // stdout carries the object's bytes and nothing else
        var saved = new SavedObject(bucket, name, download.ContentLength, download.Metadata.Checksum, Path.GetFullPath(file));
        ctx.Output.Write(new { objects = new[] { saved } }, writer => writer.WriteLine($"GET {bucket}/{name} => {file} ({Sizes.Format(saved.Size)})"));
    }

    private static async Task GetManyAsync(CommandContext ctx, string bucket, string prefix, string directory, int workers)
    {
        if (directory == StandardOutput) throw new UsageException("many objects cannot go to standard output: give a DIR");
        var objects = new List<(string Name, string File)>();
        long total = 0;
        await foreach (var entry in ctx.Api.ListObjectsAsync(bucket, prefix, pageSize: null, limit: null, ctx.Cancellation))
        {
            objects.Add((entry.Name, DownloadPaths.UnderDirectory(directory, entry.Name)));
            total += entry.Size;
        }
        var downloader = new Downloader(ctx.Api, workers);
        var saved = await TransferProgress.RunAsync(ctx.ProgressAllowed, "GET", objects.Count, total,
            progress => downloader.SaveAllAsync(bucket, objects, progress, ctx.Cancellation));
        ctx.Output.Write(new { objects = saved }, writer =>
            writer.WriteLine($"GET {saved.Count} objects ({Sizes.Format(saved.Sum(s => s.Size))}) => {directory}"));
    }
}
