using OrleansAis.Grains;
using OrleansAis.Ownership;

namespace OrleansAis.Tests.Cluster;

public sealed class PlacementTests(StoreCluster cluster) : IClassFixture<StoreCluster>
{
    [Fact]
    public async Task Object_grains_activate_on_their_rendezvous_owner()
    {
        var owners = new Dictionary<string, int>();
        for (var i = 0; i < 60; i++)
        {
            var name = $"placement/obj-{i}";
            var located = await cluster.Cluster.Client.GetGrain<IObjectGrain>(ObjectKey.Format("bucket", name)).Locate();
            Assert.Equal(cluster.ExpectedOwner("bucket", name), located.NodeId);
            owners[located.NodeId] = owners.GetValueOrDefault(located.NodeId) + 1;
        }
        Assert.Equal(3, owners.Count); // all three silos own some of 60 names
    }

    [Theory]
    [InlineData("100%25 sure")]
    [InlineData("percent%2Fnot-a-slash")]
    [InlineData("名前/データ")]
    [InlineData("a b/c+d=e&f")]
    public async Task Names_with_escapable_characters_place_on_the_same_owner_the_router_computes(string name)
    {
        var located = await cluster.Cluster.Client.GetGrain<IObjectGrain>(ObjectKey.Format("bucket", name)).Locate();
        Assert.Equal(cluster.ExpectedOwner("bucket", name), located.NodeId);

        // ...and the grain works on exactly that name.
        if (await cluster.Client.GetBucketAsync("escapes") is null) await cluster.Client.CreateBucketAsync("escapes");
        var meta = await cluster.Client.PutObjectAsync("escapes", name, new MemoryStream([7]));
        Assert.Equal(name, meta.Name);
        Assert.Equal(cluster.ExpectedOwner("escapes", name), meta.Node);
        Assert.True(await cluster.Client.DeleteObjectAsync("escapes", name));
    }

    [Fact]
    public async Task Each_silo_has_exactly_one_node_grain_pinned_to_it()
    {
        foreach (var silo in cluster.Silos)
        {
            var info = await cluster.Cluster.Client.GetGrain<INodeStoreGrain>(silo.Name).Info();
            Assert.Equal(silo.Name, info.NodeId);
            Assert.Equal(silo.SiloAddress.ToParsableString(), info.SiloAddress);
        }
        var nodes = await cluster.Cluster.Client.GetGrain<IClusterViewGrain>(0).Nodes();
        Assert.Equal(cluster.Silos.Select(s => s.Name).Order(), nodes.Select(n => n.NodeId).Order());
        Assert.Equal(nodes.Count, nodes.Select(n => n.SiloAddress).Distinct().Count());
    }

    [Fact]
    public async Task A_node_grain_for_an_unknown_node_is_refused()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => cluster.Cluster.Client.GetGrain<INodeStoreGrain>("no-such-node").Info());
        Assert.Contains("no-such-node", e.ToString());
    }
}
