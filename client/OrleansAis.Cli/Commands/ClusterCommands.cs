using System.CommandLine;
using System.Globalization;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Commands;

/// <summary><c>oais cluster show</c>: every storage node, its HTTP endpoint, capacity and what it holds.</summary>
internal static class ClusterCommands
{
    public static Command Create(CommandRunner runner) => new("cluster", "Inspect the cluster") { ShowCommand(runner) };

    private static Command ShowCommand(CommandRunner runner)
    {
        var command = new Command("show", "Show the nodes: HTTP URL, object count and bytes, mountpath capacity");
        command.SetAction(runner.Run(async ctx =>
        {
            var cluster = await ctx.Api.GetClusterAsync(ctx.Cancellation);
            ctx.Output.Write(cluster, writer =>
            {
                var table = new TextTable(new("NODE"), new("HTTP URL"), new("OBJECTS", AlignRight: true), new("USED", AlignRight: true),
                    new("CAPACITY", AlignRight: true), new("FREE", AlignRight: true), new("MOUNTPATHS", AlignRight: true));
                foreach (var n in cluster.Nodes)
                {
                    table.AddRow(n.NodeId == cluster.Node ? n.NodeId + " *" : n.NodeId, n.HttpUrl, n.ObjectCount.ToString(CultureInfo.InvariantCulture),
                        Sizes.Format(n.ObjectBytes), Sizes.Format(n.Mountpaths.Sum(m => m.TotalBytes)),
                        Sizes.Format(n.Mountpaths.Sum(m => m.AvailableBytes)), n.Mountpaths.Count.ToString(CultureInfo.InvariantCulture));
                }
                table.WriteTo(writer);
                writer.WriteLine($"* answered this request ({cluster.Nodes.Count} nodes)");
            });
        }));
        return command;
    }
}
