using System.CommandLine;
using OrleansAis.Cli.Arguments;
using OrleansAis.Cli.Output;
using OrleansAis.Cli.Transfers;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Cli.Commands.Etl;

/// <summary>
/// <c>oais etl object NAME BUCKET/OBJ [OUT_FILE|-]</c>: an inline transform, streamed to a file or stdout;
/// <c>oais etl object NAME cp SRC_BUCKET/OBJ DST_BUCKET/OBJ</c>: copy-transform one object inside the cluster.
/// </summary>
internal static class EtlObjectCommand
{
    private const string StandardOutput = "-";
    private const string CopyWord = "cp";

    public static Command Create(CommandRunner runner)
    {
        var name = EtlCommands.Name();
        // One argument list rather than a 'cp' subcommand: the ETL name comes first in both forms (as in AIStore's CLI).
        var operands = Symbols.Positional<string[]>("ARGS",
            "BUCKET/OBJ [OUT_FILE|-] (default -: standard output), or cp SRC_BUCKET/OBJ DST_BUCKET/OBJ", new ArgumentArity(1, 3));
        var etlArgs = new Option<string?>("--args") { Description = "etl_args handed to the transformer with the object", HelpName = "ETL_ARGS" };
        var command = new Command("object", "Transform one object: stream the result to a file or stdout, or (cp) store it as another object")
        {
            name, operands, etlArgs,
        };
        command.SetAction(runner.Run(ctx => ctx.Value(operands)! switch
        {
            [CopyWord, var from, var to] => CopyAsync(ctx, ctx.Value(name)!, from, to, ctx.Value(etlArgs)),
            [CopyWord, ..] => throw new UsageException("cp needs SRC_BUCKET/OBJ and DST_BUCKET/OBJ"),
            [var source] => TransformAsync(ctx, ctx.Value(name)!, source, StandardOutput, ctx.Value(etlArgs)),
            [var source, var destination] => TransformAsync(ctx, ctx.Value(name)!, source, destination, ctx.Value(etlArgs)),
            _ => throw new UsageException("expected BUCKET/OBJ [OUT_FILE|-], or cp SRC_BUCKET/OBJ DST_BUCKET/OBJ"),
        }));
        return command;
    }

    private static async Task TransformAsync(CommandContext ctx, string etl, string source, string destination, string? etlArgs)
    {
        var address = ObjectAddress.Parse(source);
        var objectName = address.RequireName();
        // Resolved before the request, as for 'oais get': an existing directory receives the object's last name segment.
        var path = destination == StandardOutput ? null : DownloadPaths.ForObject(objectName, destination, Directory.Exists);
        await using var result = await ctx.Api.GetTransformedAsync(etl, address.Bucket, objectName, etlArgs, ctx.Cancellation);
        if (path is null)
        {
            await using var stdout = Console.OpenStandardOutput();
            await result.Content.CopyToAsync(stdout, 256 << 10, ctx.Cancellation);
            return; // stdout carries the result's bytes and nothing else
        }
        long size = 0;
        await AtomicFile.WriteAsync(path, async file =>
        {
            await result.Content.CopyToAsync(file, 256 << 10, ctx.Cancellation);
            size = file.Length;
        });
        ctx.Output.Write(new { etl, bucket = address.Bucket, name = objectName, file = Path.GetFullPath(path), size, node = TransformedOn(result) }, writer =>
            writer.WriteLine($"ETL {etl}: {address} => {path} ({Sizes.Format(size)}{(TransformedOn(result) is { } n ? $", transformed on {n}" : "")})"));
    }

    private static async Task CopyAsync(CommandContext ctx, string etl, string from, string to, string? etlArgs)
    {
        var source = ObjectAddress.Parse(from);
        var target = ObjectAddress.Parse(to);
        source.RequireName();
        target.RequireName();
        var copied = await ctx.Api.CopyTransformAsync(etl, source.ToString(), target.ToString(), etlArgs, ctx.Cancellation);
        ctx.Output.Write(copied, writer =>
            writer.WriteLine($"ETL {etl}: {copied.From} => {copied.To} ({Sizes.Format(copied.Bytes)}, transformed on {copied.Node})"));
    }

    /// <summary>The silo whose transformer produced the result (the object's owner), when it said.</summary>
    private static string? TransformedOn(ObjectDownload result) => result.Metadata.Node is { Length: > 0 } node ? node : null;
}
