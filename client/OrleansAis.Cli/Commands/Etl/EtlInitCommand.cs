using System.CommandLine;
using OrleansAis.Cli.Arguments;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Commands.Etl;

/// <summary>
/// <c>oais etl init SPEC_FILE|-</c>, <c>oais etl init --name N --command "..." [--comm-type T] [--image I]</c>, or
/// <c>oais etl init --name N --from-file transform.py [--function F] [--packages a,b]</c> (runtime.python, no image).
/// </summary>
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
        var fromFile = new Option<string?>("--from-file")
        {
            Description = "Without a spec file: a Python file whose function is the transformer (runtime.python; no image to build)",
            HelpName = "FILE.py",
        };
        var function = new Option<string?>("--function") { Description = "With --from-file: the function (or class, as AIStore's init_class) to run (default transform)", HelpName = "NAME" };
        var packages = new Option<string?>("--packages") { Description = "With --from-file: pip packages it needs, comma-separated", HelpName = "A,B" };
        var command = new Command("init", "Start an ETL on every silo from a spec file (or the quick flags); waits until it runs everywhere")
        {
            file, name, commType, image, commandLine, fromFile, function, packages,
        };
        command.SetAction(runner.Run(async ctx =>
        {
            var flagsGiven = ctx.Given(name) || ctx.Given(commType) || ctx.Given(image) || ctx.Given(commandLine) || ctx.Given(fromFile);
            if ((ctx.Given(function) || ctx.Given(packages)) && !ctx.Given(fromFile)) throw new UsageException("--function and --packages go with --from-file");
            string spec;
            if (ctx.Value(file) is { } path)
            {
                if (flagsGiven) throw new UsageException("give either SPEC_FILE or --name/--comm-type/--image/--command, not both");
                spec = await SpecSource.ReadAsync(path, ctx.Cancellation);
            }
            else
            {
                if (ctx.Value(name) is not { } n) throw new UsageException("give a SPEC_FILE (or - for stdin), or --name with --command and/or --image, or --name with --from-file");
                if (ctx.Value(fromFile) is { } source)
                {
                    if (ctx.Given(commandLine)) throw new UsageException("give --from-file or --command, not both (the Python SDK is the command)");
                    spec = await SpecSource.FromPythonFileAsync(n, source, ctx.Value(function), ctx.Value(packages), ctx.Value(commType), ctx.Value(image), ctx.Cancellation);
                }
                else
                {
                    spec = SpecSource.FromFlags(n, ctx.Value(commType), ctx.Value(image), ctx.Value(commandLine));
                }
            }
            var etl = await ctx.Api.InitEtlAsync(spec, ctx.Cancellation);
            ctx.Output.Write(etl, writer => writer.WriteLine(
                $"initialized ETL {etl.Name} ({EtlText.Communication(etl)}): {etl.Stage} on {EtlText.NodeStages(etl)}"));
        }));
        return command;
    }
}
