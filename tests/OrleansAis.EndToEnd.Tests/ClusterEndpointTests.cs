using System.Text.Json;
using OrleansAis.EndToEnd.Tests.Infrastructure;

namespace OrleansAis.EndToEnd.Tests;

public sealed class ClusterEndpointTests(ThreeSiloCluster cluster) : IClassFixture<ThreeSiloCluster>
{
    [Fact]
    public async Task Every_silo_reports_all_three_nodes_with_their_http_endpoints()
    {
        foreach (var silo in cluster.Silos)
        {
            using var doc = JsonDocument.Parse(await cluster.Http.GetStringAsync(new Uri(silo.HttpUrl, "/v1/cluster")));
            Assert.Equal(silo.NodeId, doc.RootElement.GetProperty("node").GetString());
            var nodes = doc.RootElement.GetProperty("nodes").EnumerateArray()
                .ToDictionary(n => n.GetProperty("node_id").GetString()!, n => n.GetProperty("http_url").GetString());
            Assert.Equal(cluster.Silos.ToDictionary(s => s.NodeId, s => (string?)s.HttpUrl.ToString().TrimEnd('/')), nodes);
        }
    }
}
