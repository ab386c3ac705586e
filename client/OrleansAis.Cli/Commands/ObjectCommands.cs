using System.CommandLine;
using System.Globalization;
using OrleansAis.Cli.Arguments;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Commands;

/// <summary><c>oais object show BUCKET/NAME</c>: an object's metadata (a HEAD request; no bytes move).</summary>
internal static class ObjectCommands
{
    public static Command Create(CommandRunner runner) => new("object", "Inspect objects") { ShowCommand(runner) };

    private static Command ShowCommand(CommandRunner runner)
    {
        var target = Symbols.Positional<string>("OBJECT", "BUCKET/NAME");
        var command = new Command("show", "Show an object's metadata: size, checksum, content type, version, owner node, custom metadata") { target };
        command.SetAction(runner.Run(async ctx =>
        {
            var address = ObjectAddress.Parse(ctx.Value(target)!);
            var meta = await ctx.Api.HeadObjectAsync(address.Bucket, address.RequireName(), ctx.Cancellation);
            ctx.Output.Write(meta, writer =>
            {
                var table = new TextTable(new("PROPERTY"), new("VALUE"));
                table.AddRow("name", $"{meta.Bucket}/{meta.Name}");
                table.AddRow("size", $"{Sizes.Format(meta.Size)} ({meta.Size.ToString(CultureInfo.InvariantCulture)} bytes)");
                table.AddRow("checksum", $"{meta.ChecksumType}:{meta.Checksum}");
                table.AddRow("content_type", meta.ContentType);
                table.AddRow("version", meta.Version.ToString(CultureInfo.InvariantCulture));
                table.AddRow("modified", Times.Format(meta.Modified));
                table.AddRow("node", meta.Node);
                foreach (var (key, value) in meta.Custom.OrderBy(c => c.Key, StringComparer.Ordinal)) table.AddRow($"custom.{key}", value);
                table.WriteTo(writer);
            });
        }));
        return command;
    }
}
