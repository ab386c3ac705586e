using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Tests;

namespace OrleansAis.EndToEnd.Tests.Cli;

/// <summary>
/// <c>oais cluster decommission</c> against three silo processes: the node hands its objects over and they stay
/// readable through the others. It changes the cluster, so it gets a cluster of its own.
/// </summary>
public sealed class CliDecommissionTests(CliDecommissionTests.Cluster cluster) : IClassFixture<CliDecommissionTests.Cluster>
{
    public sealed class Cluster() : SiloCluster(3);

    [Fact]
    public async Task A_decommissioned_node_hands_over_every_object_and_reads_still_work()
    {
        var endpoint = cluster.Silos[0].HttpUrl;
        await OaisCli.OkAsync(endpoint, "bucket", "create", "decom");
        var names = Enumerable.Range(0, 40).Select(i => $"obj-{i:D2}").ToList();
        using var http = new HttpClient();
        foreach (var n in names)
            (await http.PutAsync(new Uri(endpoint, $"/v1/objects/decom/{n}"), new ByteArrayContent(PatternStream.Bytes(3000 + n.Length, (ulong)n.GetHashCode())))).EnsureSuccessStatusCode();

        var leaving = cluster.Silos[2];
        var held = (await OaisCli.OkAsync(endpoint, "cluster", "show", "--json")).Json().GetProperty("nodes").EnumerateArray()
            .Single(n => n.GetProperty("node_id").GetString() == leaving.NodeId).GetProperty("object_count").GetInt64();
        Assert.True(held > 0, "the node to decommission should hold some of the 40 objects");

        var run = await OaisCli.OkAsync(endpoint, "cluster", "decommission", leaving.NodeId, "--wait", "--timeout", "2m");
        Assert.Contains($"node {leaving.NodeId} drained: {held} objects handed over", run.Stdout);

        var node = (await OaisCli.OkAsync(endpoint, "cluster", "show", "--json")).Json().GetProperty("nodes").EnumerateArray()
            .Single(n => n.GetProperty("node_id").GetString() == leaving.NodeId);
        Assert.Equal("drained", node.GetProperty("state").GetString());
        Assert.Equal(0, node.GetProperty("object_count").GetInt64());

        // Every object is listed once and reads back exactly, none from the drained node.
        var entries = (await OaisCli.OkAsync(endpoint, "ls", "decom", "--json")).Json().GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(names, entries.Select(e => e.GetProperty("name").GetString()));
        Assert.DoesNotContain(entries, e => e.GetProperty("node").GetString() == leaving.NodeId);
        foreach (var n in names)
            Assert.Equal(PatternStream.Bytes(3000 + n.Length, (ulong)n.GetHashCode()), await http.GetByteArrayAsync(new Uri(cluster.Silos[1].HttpUrl, $"/v1/objects/decom/{n}")));

        // New writes skip the drained node.
        (await http.PutAsync(new Uri(endpoint, "/v1/objects/decom/after"), new ByteArrayContent([1, 2, 3]))).EnsureSuccessStatusCode();
        Assert.Equal(0, (await OaisCli.OkAsync(endpoint, "cluster", "show", "--json")).Json().GetProperty("nodes").EnumerateArray()
            .Single(n => n.GetProperty("node_id").GetString() == leaving.NodeId).GetProperty("object_count").GetInt64());
    }

    [Fact]
    public async Task Decommissioning_an_unknown_node_is_not_found()
    {
        var run = await OaisCli.RunAsync(cluster.Endpoint, "cluster", "decommission", "no-such-node");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("no active node 'no-such-node'", run.Stderr);
    }
}
