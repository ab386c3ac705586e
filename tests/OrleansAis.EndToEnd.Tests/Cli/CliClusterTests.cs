using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Tests;

namespace OrleansAis.EndToEnd.Tests.Cli;

/// <summary>The built <c>oais</c> against three silo processes: cluster view, and objects read through a silo that does not own them.</summary>
public sealed class CliClusterTests(ThreeSiloCluster cluster) : IClassFixture<ThreeSiloCluster>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("oais-cli3-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Cluster_show_lists_every_node_with_its_http_url()
    {
        var shown = (await OaisCli.OkAsync(cluster.Silos[1].HttpUrl, "cluster", "show", "--json")).Json();
        Assert.Equal(cluster.Silos[1].NodeId, shown.GetProperty("node").GetString());
        var nodes = shown.GetProperty("nodes").EnumerateArray()
            .ToDictionary(n => n.GetProperty("node_id").GetString()!, n => n.GetProperty("http_url").GetString()!.TrimEnd('/'));
        Assert.Equal(cluster.Silos.ToDictionary(s => s.NodeId, s => s.HttpUrl.ToString().TrimEnd('/')), nodes);

        var text = (await OaisCli.OkAsync(cluster.Endpoint, "cluster", "show")).Stdout;
        Assert.All(cluster.Silos, s => Assert.Contains(s.NodeId, text));
    }

    [Fact]
    public async Task Objects_spread_over_the_owners_come_back_byte_exact_through_any_silo()
    {
        await OaisCli.OkAsync(cluster.Endpoint, "bucket", "create", "cli-spread");
        var tree = Directory.CreateDirectory(Path.Combine(_work, "tree")).FullName;
        for (var i = 0; i < 12; i++)
            await File.WriteAllBytesAsync(Path.Combine(tree, $"part-{i:D2}.bin"), PatternStream.Bytes(50_000 + i, seed: (ulong)i));
        await OaisCli.OkAsync(cluster.Endpoint, "put", "-r", tree, "cli-spread/parts/");

        var owners = (await OaisCli.OkAsync(cluster.Silos[2].HttpUrl, "ls", "cli-spread", "--json")).Json()
            .GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("node").GetString()).Distinct().Count();
        Assert.True(owners > 1, "12 objects should land on more than one of three nodes");

        // Reading through silo 1: objects it does not own are redirected (307) to their owner and followed.
        for (var i = 0; i < 12; i++)
        {
            var got = await OaisCli.OkAsync(cluster.Silos[1].HttpUrl, "get", $"cli-spread/parts/part-{i:D2}.bin", "-");
            Assert.Equal(PatternStream.Bytes(50_000 + i, seed: (ulong)i), got.StdoutBytes);
        }
    }
}
