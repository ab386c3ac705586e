using System.CommandLine;
using System.Globalization;
using OrleansAis.Cli.Arguments;
using OrleansAis.Http.Contracts;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Commands;

/// <summary><c>oais cluster show|decommission</c>: the storage nodes, and taking one out without losing its objects.</summary>
internal static class ClusterCommands
{
    private const string Draining = "draining", Drained = "drained", Left = "left";

    public static Command Create(CommandRunner runner) => new("cluster", "Inspect the cluster and decommission nodes")
    {
        ShowCommand(runner),
        DecommissionCommand(runner),
    };

    private static Command ShowCommand(CommandRunner runner)
    {
        var command = new Command("show", "Show the nodes: state, HTTP URL, object count and bytes, mountpath capacity");
        command.SetAction(runner.Run(async ctx =>
        {
            var cluster = await ctx.Api.GetClusterAsync(ctx.Cancellation);
            ctx.Output.Write(cluster, writer =>
            {
                var table = new TextTable(new("NODE"), new("STATE"), new("HTTP URL"), new("OBJECTS", AlignRight: true), new("USED", AlignRight: true),
                    new("CAPACITY", AlignRight: true), new("FREE", AlignRight: true), new("MOUNTPATHS", AlignRight: true));
                foreach (var n in cluster.Nodes)
                {
                    table.AddRow(n.NodeId == cluster.Node ? n.NodeId + " *" : n.NodeId, n.State, n.HttpUrl, n.ObjectCount.ToString(CultureInfo.InvariantCulture),
                        Sizes.Format(n.ObjectBytes), Sizes.Format(n.Mountpaths.Sum(m => m.TotalBytes)),
                        Sizes.Format(n.Mountpaths.Sum(m => m.AvailableBytes)), n.Mountpaths.Count.ToString(CultureInfo.InvariantCulture));
                }
                table.WriteTo(writer);
                writer.WriteLine($"* answered this request ({cluster.Nodes.Count} nodes)");
            });
        }));
        return command;
    }

    private static Command DecommissionCommand(CommandRunner runner)
    {
        var node = Symbols.Positional<string>("NODE", "Id of the node to take out (see 'oais cluster show')", ArgumentArity.ExactlyOne);
        var shutdown = new Option<bool>("--shutdown") { Description = "Stop the node's silo once its objects are handed over" };
        var wait = new Option<bool>("--wait") { Description = "Wait until every object is handed over (implied by --timeout)" };
        var timeout = new Option<string?>("--timeout") { Description = "Give up waiting after this long (e.g. 90s, 10m)", HelpName = "DURATION" };
        var command = new Command("decommission",
            "Hand every object of a node to its next owner so it can leave for good: the node stops owning objects at once, " +
            "drains in the background, and reports 'drained' in 'oais cluster show'")
        {
            node, shutdown, wait, timeout,
        };
        command.SetAction(runner.Run(async ctx =>
        {
            var id = ctx.Value(node)!;
            var limit = ctx.Value(timeout) is { } text ? DurationArgument.Parse(text, "--timeout") : (TimeSpan?)null;
            var state = await ctx.Api.DecommissionAsync(id, ctx.Value(shutdown), ctx.Cancellation);
            if (ctx.Value(wait) || limit is not null) state = await WaitDrainedAsync(ctx, id, state, limit, ctx.Value(shutdown));
            ctx.Output.Write(state, writer => writer.WriteLine(state.State switch
            {
                Drained => $"node {id} drained: {state.DrainedObjects} objects handed over" + (ctx.Value(shutdown) ? "; its silo is stopping" : ""),
                Left => $"node {id} drained and left the cluster",
                _ => $"node {id} is {state.State} ({state.DrainedObjects} objects handed over so far); follow it with 'oais cluster show'",
            }));
        }));
        return command;
    }

    private static async Task<ClusterNodeDto> WaitDrainedAsync(CommandContext ctx, string id, ClusterNodeDto state, TimeSpan? limit, bool shutdown)
    {
        var deadline = limit is { } l ? DateTime.UtcNow + l : DateTime.MaxValue;
        while (state.State == Draining)
        {
            if (DateTime.UtcNow >= deadline)
                throw new CommandFailedException("DecommissionTimeout", $"node {id} is still draining after {Times.FormatDuration(limit!.Value)} ({state.DrainedObjects} objects handed over)");
            await Task.Delay(TimeSpan.FromMilliseconds(500), ctx.Cancellation);
            var cluster = await ctx.Api.GetClusterAsync(ctx.Cancellation);
            if (cluster.Nodes.FirstOrDefault(n => n.NodeId == id) is not { } now)
            {
                // With --shutdown the node stops once drained, which can come before this poll sees "drained".
                if (shutdown) return state with { State = Left };
                throw new CommandFailedException("DecommissionFailed", $"node {id} left the cluster while draining ({state.DrainedObjects} objects handed over)");
            }
            state = now;
        }
        if (state.State != Drained) throw new CommandFailedException("DecommissionFailed", $"node {id} did not drain: {state.DrainError}");
        return state;
    }
}
