using System.CommandLine;
using OrleansAis.Cli.Arguments;

namespace OrleansAis.Cli.Commands.Jobs;

/// <summary>Which source objects a job takes: <c>--prefix</c>, <c>--list a,b,c</c> or <c>--template</c> (at most one; none is the whole bucket).</summary>
internal sealed class JobSelectionOptions
{
    public Option<string?> Prefix { get; } = new("--prefix") { Description = "Only objects whose names start with this", HelpName = "PREFIX" };

    public Option<string?> List { get; } = new("--list") { Description = "Exactly these objects, comma-separated: a,b,c", HelpName = "NAMES" };

    public Option<string?> Template { get; } = new("--template")
    {
        Description = "Names from a template: shard-{0001..0999}.tar, img-{0..100..5}.jpg",
        HelpName = "TEMPLATE",
    };

    public IEnumerable<Option> All => [Prefix, List, Template];

    public (string? Prefix, IReadOnlyList<string>? Names, string? Template) Read(CommandContext ctx)
    {
        if (All.Count(ctx.Given) > 1) throw new UsageException("give at most one of --prefix, --list and --template");
        var names = ctx.Value(List) is { } list ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null;
        if (names is { Length: 0 }) throw new UsageException("--list names no objects");
        return (ctx.Value(Prefix), names, ctx.Value(Template));
    }
}
