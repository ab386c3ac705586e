using System.CommandLine;
using OrleansAis.Cli.Arguments;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Commands.Etl;

/// <summary><c>oais etl init SPEC_FILE|-</c>, or <c>oais etl init --name N --command "..." [--comm-type T] [--image I]</c>.</summary>
internal static class EtlInitCommand
{
    public static Command Create(CommandRunner runner)
    {
        var file = Symbols.Positional<string?>("SPEC_FILE", "The spec, JSON or YAML (AIStore's field names; docs/ETL.md), or - for standard input", ArgumentArity.ZeroOrOne);
        var name = new Option<string?>("--name") { Description = "Without a spec file: the ETL's name (6 to 32 lowercase letters, digits, '-')", HelpName = "NAME" };
        var commType = new Option<string?>("--comm-type") { Description = "Without a spec file: hpush (default), hpull, hrev, io or ws", HelpName = "TYPE" };
        var image = new Option<string?>("--image") { Description = "Without a spec file: the container image (Docker runtime)", HelpName = "IMAGE" };
        var commandLine = new Option<string?>("--command")
        {
            Description = "Without a spec file: the transformer's command line, split on spaces (e.g. \"etl-host md5\")",
            HelpName = "COMMAND",
        };
        var command = new Command("init", "Start an ETL on every silo from a spec file (or the quick flags); waits until it runs everywhere")
        {
            file, name, commType, image, commandLine,
        };
        command.SetAction(runner.Run(async ctx =>
        {
            var flagsGiven = ctx.Given(name) || ctx.Given(commType) || ctx.Given(image) || ctx.Given(commandLine);
            string spec;
            if (ctx.Value(file) is { } path)
            {
                if (flagsGiven) throw new UsageException("give either SPEC_FILE or --name/--comm-type/--image/--command, not both");
                spec = await SpecSource.ReadAsync(path, ctx.Cancellation);
            }
            else
            {
                if (ctx.Value(name) is not { } n) throw new UsageException("give a SPEC_FILE (or - for stdin), or --name with --command and/or --image");
                spec = SpecSource.FromFlags(n, ctx.Value(commType), ctx.Value(image), ctx.Value(commandLine));
            }
            var etl = await ctx.Api.InitEtlAsync(spec, ctx.Cancellation);
            ctx.Output.Write(etl, writer => writer.WriteLine(
                $"initialized ETL {etl.Name} ({EtlText.Communication(etl)}): {etl.Stage} on {EtlText.NodeStages(etl)}"));
        }));
        return command;
    }
}
