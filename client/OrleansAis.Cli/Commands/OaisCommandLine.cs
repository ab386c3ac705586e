using System.CommandLine;
using System.CommandLine.Invocation;
using OrleansAis.Cli.Arguments;

namespace OrleansAis.Cli.Commands;

/// <summary>The <c>oais</c> command tree, named after AIStore's <c>ais</c> CLI, and its entry point.</summary>
internal static class OaisCommandLine
{
    private static readonly string Description =
        "oais: the OrleansAis command line. It talks only to the HTTP API of any silo, so it works against a remote cluster.\n" +
        $"Endpoint: --endpoint URL, else ${EndpointArgument.EnvironmentVariable}, else {EndpointArgument.Default}.\n" +
        ExitCodes.Help;

    public static RootCommand Build()
    {
        var runner = new CommandRunner();
        return new RootCommand(Description)
        {
            runner.Endpoint,
            runner.Json,
            BucketCommands.Create(runner),
            ListCommand.Create(runner),
            PutCommand.Create(runner),
            GetCommand.Create(runner),
            RemoveCommand.Create(runner),
            CopyCommand.Create(runner),
            ObjectCommands.Create(runner),
            ClusterCommands.Create(runner),
            Etl.EtlCommands.Create(runner),
            Jobs.JobCommands.Create(runner),
            WatchCommand.Create(runner),
        };
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Action is not ParseErrorAction errors) return await parse.InvokeAsync();
        // Usage errors: the problems and where to read more on stderr (not pages of help), and an exit code of their own.
        errors.ShowHelp = false;
        errors.Invoke(parse);
        await Console.Error.WriteLineAsync($"See '{CommandPath(parse)} --help'.");
        return ExitCodes.Usage;
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, result.Command is RootCommand ? "oais" : result.Command.Name);
        return string.Join(' ', names);
    }
}
