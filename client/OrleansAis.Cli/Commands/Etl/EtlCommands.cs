using System.CommandLine;

namespace OrleansAis.Cli.Commands.Etl;

/// <summary><c>oais etl ...</c>: ETLs (transformers next to the data) and the jobs that run them, named as AIStore's <c>ais etl</c>.</summary>
internal static class EtlCommands
{
    public static Command Create(CommandRunner runner) => new("etl", "Initialize, inspect, stop, start and remove ETLs; transform objects and buckets")
    {
        EtlInitCommand.Create(runner),
        EtlShowCommands.Show(runner),
        EtlShowCommands.View(runner),
        EtlShowCommands.Logs(runner),
        EtlShowCommands.Metrics(runner),
        EtlLifecycleCommands.Stop(runner),
        EtlLifecycleCommands.Start(runner),
        EtlLifecycleCommands.Remove(runner),
        EtlObjectCommand.Create(runner),
        EtlJobCommands.Inspect(runner),
        EtlJobCommands.Bucket(runner),
        EtlFollowCommands.Create(runner),
    };

    /// <summary>The ETL name argument every subcommand starts with.</summary>
    public static Argument<string> Name() => Symbols.Positional<string>("ETL_NAME", "The ETL's name");

    public static Argument<string[]> Names() => Symbols.Positional<string[]>("ETL_NAME", "ETL names", ArgumentArity.OneOrMore);
}
