using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using OrleansAis.Http.Contracts;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Commands.Etl;

/// <summary><c>oais etl show [NAME]</c>, <c>view NAME</c>, <c>logs NAME</c>, <c>metrics NAME</c>: read-only views of ETLs.</summary>
internal static class EtlShowCommands
{
    public static Command Show(CommandRunner runner)
    {
        var name = Symbols.Positional<string?>("ETL_NAME", "One ETL to show per silo; without it, list every ETL", ArgumentArity.ZeroOrOne);
        var command = new Command("show", "List ETLs (stage, communicator, runtime, silos per stage), or one ETL per silo: stage, restarts, error") { name };
        command.SetAction(runner.Run(async ctx =>
        {
            if (ctx.Value(name) is { } one)
            {
                var etl = await ctx.Api.GetEtlAsync(one, ctx.Cancellation);
                ctx.Output.Write(etl, writer => WriteDetails(writer, etl));
                return;
            }
            var etls = await ListWithDetailsAsync(ctx);
            ctx.Output.Write(new EtlDetailsList(etls), writer =>
            {
                var table = new TextTable(new("NAME"), new("STAGE"), new("COMMUNICATOR"), new("RUNTIME"), new("NODES"),
                    new("OBJECTS", AlignRight: true), new("ERRORS", AlignRight: true), new("REASON"));
                foreach (var e in etls)
                {
                    table.AddRow(e.Name, e.Stage, EtlText.Communication(e), EtlText.Runtimes(e), EtlText.NodeStages(e),
                        Count(e.Nodes.Sum(n => n.Objects)), Count(e.Nodes.Sum(n => n.Errors)), e.AbortReason ?? "");
                }
                table.WriteTo(writer);
            });
        }));
        return command;
    }

    public static Command View(CommandRunner runner)
    {
        var name = EtlCommands.Name();
        var command = new Command("view", "Print an ETL's spec as the cluster holds it (JSON; 'oais etl init' accepts it back)") { name };
        command.SetAction(runner.Run(async ctx =>
        {
            var etl = await ctx.Api.GetEtlAsync(ctx.Value(name)!, ctx.Cancellation);
            if (ctx.Output.Json) ctx.Output.WriteJson(etl.Spec);
            else ctx.Output.Out.WriteLine(JsonSerializer.Serialize(etl.Spec, new JsonSerializerOptions(OaisJson.Options) { WriteIndented = true }));
        }));
        return command;
    }

    public static Command Logs(CommandRunner runner)
    {
        var name = EtlCommands.Name();
        var node = new Option<string?>("--node") { Description = "Only this silo's transformer (a node id from 'oais cluster show')", HelpName = "NODE_ID" };
        var lines = new Option<int?>("--lines") { Description = "The last N lines of each transformer [default: 100]", HelpName = "N" };
        lines.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--lines must be at least 1");
        });
        var command = new Command("logs", "Print what the transformers printed (stdout and stderr), per silo") { name, node, lines };
        command.SetAction(runner.Run(async ctx =>
        {
            var logs = await ctx.Api.GetEtlLogsAsync(ctx.Value(name)!, ctx.Value(node), ctx.Value(lines), ctx.Cancellation);
            ctx.Output.Write(logs, writer =>
            {
                foreach (var (nodeId, text) in logs.Logs.OrderBy(l => l.Key, StringComparer.Ordinal))
                {
                    // One silo asked for: its lines as they are, ready for grep; several: a header before each.
                    if (logs.Logs.Count > 1) writer.WriteLine($"==> node {nodeId} <==");
                    writer.Write(text);
                    if (text.Length > 0 && !text.EndsWith('\n')) writer.WriteLine();
                }
            });
        }));
        return command;
    }

    public static Command Metrics(CommandRunner runner)
    {
        var name = EtlCommands.Name();
        var command = new Command("metrics", "Per-silo counters of an ETL: objects, bytes in and out, errors, restarts") { name };
        command.SetAction(runner.Run(async ctx =>
        {
            var metrics = await ctx.Api.GetEtlMetricsAsync(ctx.Value(name)!, ctx.Cancellation);
            ctx.Output.Write(metrics, writer =>
            {
                var table = new TextTable(new("NODE"), new("STAGE"), new("OBJECTS", AlignRight: true), new("BYTES IN", AlignRight: true),
                    new("BYTES OUT", AlignRight: true), new("ERRORS", AlignRight: true), new("RESTARTS", AlignRight: true));
                foreach (var n in metrics.Nodes)
                    table.AddRow(n.Node, n.Stage, Count(n.Objects), Sizes.Format(n.BytesIn), Sizes.Format(n.BytesOut), Count(n.Errors), Count(n.Restarts));
                table.AddRow("total", "", Count(metrics.Nodes.Sum(n => n.Objects)), Sizes.Format(metrics.Nodes.Sum(n => n.BytesIn)),
                    Sizes.Format(metrics.Nodes.Sum(n => n.BytesOut)), Count(metrics.Nodes.Sum(n => n.Errors)), Count(metrics.Nodes.Sum(n => n.Restarts)));
                table.WriteTo(writer);
            });
        }));
        return command;
    }

    /// <summary>An ETL's header, then one row per silo; the error column last since it is the long one.</summary>
    public static void WriteDetails(TextWriter writer, EtlDetailsDto etl)
    {
        writer.WriteLine($"ETL {etl.Name}: {etl.Stage} ({EtlText.Communication(etl)}, {EtlText.NodeStages(etl)})");
        if (etl.AbortReason is { Length: > 0 } reason) writer.WriteLine($"reason: {reason}");
        var table = new TextTable(new("NODE"), new("STAGE"), new("RUNTIME"), new("RESTARTS", AlignRight: true), new("OBJECTS", AlignRight: true),
            new("ERRORS", AlignRight: true), new("ENDPOINT"), new("ERROR"));
        foreach (var n in etl.Nodes)
            table.AddRow(n.Node, n.Stage, n.Runtime, Count(n.Restarts), Count(n.Objects), Count(n.Errors), n.Endpoint ?? "-", n.Error ?? "");
        table.WriteTo(writer);
        // The last failed object per silo, with the transformer's own words: where to start when ERRORS is not 0.
        foreach (var n in etl.Nodes.Where(n => n.LastTransformError is { Length: > 0 }))
            writer.WriteLine($"last failed object on {n.Node}: {n.LastTransformError}");
    }

    /// <summary>The list has no per-silo stages or runtimes, so each ETL's details are fetched too (an ETL removed meanwhile is left out).</summary>
    private static async Task<List<EtlDetailsDto>> ListWithDetailsAsync(CommandContext ctx)
    {
        var summaries = await ctx.Api.ListEtlsAsync(ctx.Cancellation);
        var details = await Task.WhenAll(summaries.Select(async s =>
        {
            try
            {
                return await ctx.Api.GetEtlAsync(s.Name, ctx.Cancellation);
            }
            catch (OaisApiException e) when (e.Status == HttpStatusCode.NotFound)
            {
                return null;
            }
        }));
        return details.OfType<EtlDetailsDto>().OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    private static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);
}
