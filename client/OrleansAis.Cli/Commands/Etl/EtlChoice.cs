using System.CommandLine;
using OrleansAis.Cli.Arguments;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Cli.Commands.Etl;

/// <summary>
/// What a job or a follow rule runs, as the command line names it: one ETL (<c>etl</c>, <c>etl_args</c>) or a pipeline
/// <c>a&gt;&gt;b</c> / <c>a,b</c> (<c>pipeline</c>, with <c>pipeline_args</c> or one <c>etl_args</c> for every stage).
/// The server validates either.
/// </summary>
internal sealed record EtlChoice(string? Etl, string? EtlArgs, IReadOnlyList<string>? Pipeline, IReadOnlyList<string?>? PipelineArgs)
{
    public static Argument<string> NameArgument() =>
        Symbols.Positional<string>("ETL_NAME", "The ETL's name, or a pipeline of ETLs applied in order: a>>b>>c (or a,b,c)");

    public static Option<string[]> ArgsOption() =>
        new("--args")
        {
            Description = "etl_args handed to the transformer with every object; for a pipeline, once for every stage or repeated once per stage",
            HelpName = "ETL_ARGS", Arity = ArgumentArity.ZeroOrMore,
        };

    public static EtlChoice Parse(string name, string[]? args)
    {
        var stages = EtlPipelineSpelling.Split(name);
        args ??= [];
        if (stages.Count == 1)
        {
            if (args.Length > 1) throw new UsageException($"--args: {args.Length} values for one ETL");
            return new EtlChoice(name, args.FirstOrDefault(), null, null);
        }
        return args.Length > 1 ? new EtlChoice(null, null, stages, args) : new EtlChoice(null, args.FirstOrDefault(), stages, null);
    }

    public JobStartRequest Job() => new() { Etl = Etl, EtlArgs = EtlArgs, Pipeline = Pipeline, PipelineArgs = PipelineArgs };

    public FollowRuleRequest Follow() => new() { Etl = Etl, EtlArgs = EtlArgs, Pipeline = Pipeline, PipelineArgs = PipelineArgs };
}
