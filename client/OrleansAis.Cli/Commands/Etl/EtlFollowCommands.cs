using System.CommandLine;
using System.Globalization;
using OrleansAis.Cli.Arguments;
using OrleansAis.Cli.Output;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Cli.Commands.Etl;

/// <summary>
/// <c>oais etl follow NAME SRC DST</c> (transform on write: every object written to SRC is transformed into DST by its
/// owner, deletes follow), <c>oais etl follow show [SRC]</c> (each rule's pending, done, failed and lag per silo) and
/// <c>oais etl follow stop SRC DST</c>.
/// </summary>
internal static class EtlFollowCommands
{
    public static Command Create(CommandRunner runner)
    {
        var name = EtlChoice.NameArgument();
        var source = Symbols.Positional<string>("SRC_BUCKET", "The bucket whose writes are followed");
        var destination = Symbols.Positional<string>("DST_BUCKET", "The bucket kept transformed (names kept, unless --ext/--prepend)");
        var ext = new Option<string?>("--ext") { Description = "Rename extensions: {flac:wav} or {flac:wav,mp3:ogg}", HelpName = "MAP" };
        var prepend = new Option<string?>("--prepend") { Description = "Prefix added to every destination name", HelpName = "PREFIX" };
        var etlArgs = EtlChoice.ArgsOption();
        var createDestination = new Option<bool>("--create-destination") { Description = "Create DST_BUCKET if it does not exist" };
        var command = new Command("follow",
            "Keep DST_BUCKET transformed: every object created or overwritten in SRC_BUCKET is transformed by its owner, deletes follow; objects already there are caught up")
        {
            name, source, destination, ext, prepend, etlArgs, createDestination, Show(runner), Stop(runner),
        };
        command.SetAction(runner.Run(async ctx =>
        {
            var from = ctx.Value(source)!;
            var rule = await ctx.Api.PutFollowRuleAsync(from, EtlChoice.Parse(ctx.Value(name)!, ctx.Value(etlArgs)).Follow() with
            {
                ToBucket = ctx.Value(destination),
                Ext = ctx.Value(ext) is { } map ? ExtensionMapArgument.Parse(map) : null, Prepend = ctx.Value(prepend),
                CreateDestination = ctx.Value(createDestination),
            }, ctx.Cancellation);
            ctx.Output.Write(rule, writer => writer.WriteLine($"following {rule.FromBucket} => {rule.ToBucket} through ETL {rule.Etl}"));
        }));
        return command;
    }

    private static Command Show(CommandRunner runner)
    {
        var source = Symbols.Positional<string?>("SRC_BUCKET", "Only the rules reading this bucket", ArgumentArity.ZeroOrOne);
        var command = new Command("show", "Each rule, and per silo: pending, done, deleted, failed (with names and messages) and lag in seconds") { source };
        command.SetAction(runner.Run(async ctx =>
        {
            var rules = await ctx.Api.ListFollowRulesAsync(ctx.Value(source), ctx.Cancellation);
            ctx.Output.Write(new FollowRuleListDto(rules), writer => Write(writer, rules));
        }));
        return command;
    }

    private static Command Stop(CommandRunner runner)
    {
        var source = Symbols.Positional<string>("SRC_BUCKET", "The rule's source bucket");
        var destination = Symbols.Positional<string>("DST_BUCKET", "The rule's destination bucket");
        var command = new Command("stop", "Remove the rule from SRC_BUCKET to DST_BUCKET; what it produced stays") { source, destination };
        command.SetAction(runner.Run(async ctx =>
        {
            var (from, to) = (ctx.Value(source)!, ctx.Value(destination)!);
            await ctx.Api.DeleteFollowRuleAsync(from, to, ctx.Cancellation);
            ctx.Output.Write(new { stopped = new { from_bucket = from, to_bucket = to } }, writer => writer.WriteLine($"stopped following {from} => {to}"));
        }));
        return command;
    }

    private static void Write(TextWriter writer, IReadOnlyList<FollowRuleDto> rules)
    {
        if (rules.Count == 0)
        {
            writer.WriteLine("no transform rules");
            return;
        }
        foreach (var rule in rules)
        {
            var naming = string.Join(", ", new[]
            {
                rule.Ext.Count > 0 ? "ext " + string.Join(",", rule.Ext.Select(e => $"{e.Key}:{e.Value}")) : null,
                rule.Prepend.Length > 0 ? $"prepend '{rule.Prepend}'" : null,
                rule.EtlArgs is { } a ? $"args '{a}'" : null,
            }.OfType<string>());
            writer.WriteLine($"{rule.FromBucket} => {rule.ToBucket} through ETL {rule.Etl}{(naming.Length > 0 ? $" ({naming})" : "")}, since {Times.Format(rule.Created)}");
            var table = new TextTable(new("NODE"), new("PENDING", AlignRight: true), new("DONE", AlignRight: true), new("DELETED", AlignRight: true),
                new("FAILED", AlignRight: true), new("LAG", AlignRight: true), new("LAST RECONCILE"));
            foreach (var n in rule.Nodes)
            {
                table.AddRow(n.Node, Count(n.Pending), Count(n.Done), Count(n.Deleted), Count(n.Failed),
                    n.LagSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s",
                    n.Message ?? (n.LastReconcile is { } at ? Times.Format(at) : "-"));
            }
            table.WriteTo(writer);
            foreach (var n in rule.Nodes)
                foreach (var f in n.Failures) writer.WriteLine($"  failed on {n.Node}: {f.Name}: {f.Message}");
            writer.WriteLine();
        }
    }

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);
}
