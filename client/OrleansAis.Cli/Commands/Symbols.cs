using System.CommandLine;

namespace OrleansAis.Cli.Commands;

/// <summary>Arguments and options that several commands share.</summary>
internal static class Symbols
{
    /// <summary>
    /// A positional argument that refuses values looking like options: System.CommandLine hands an unknown
    /// <c>--option</c> to an argument that still has room, which would turn a typo into a bucket name. A lone
    /// <c>-</c> (stdin/stdout) stays allowed; a file really named <c>-x</c> can be written <c>./-x</c>.
    /// </summary>
    public static Argument<T> Positional<T>(string name, string description, ArgumentArity? arity = null)
    {
        var argument = new Argument<T>(name) { Description = description };
        if (arity is { } a) argument.Arity = a;
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.Length > 1 && t.Value.StartsWith('-')))
                result.AddError($"unrecognized option '{token.Value}'");
        });
        return argument;
    }

    /// <summary>A bounded worker count for commands that move many objects.</summary>
    public static Option<int> Workers()
    {
        var workers = new Option<int>("--workers") { Description = "Objects transferred in parallel", DefaultValueFactory = _ => 4, HelpName = "N" };
        workers.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError("--workers must be at least 1");
        });
        return workers;
    }
}
