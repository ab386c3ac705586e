using System.Net;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Etl;

/// <summary>
/// Every silo runs its own transformer and transforms only the objects it owns; a later silo catches up, and a silo
/// that leaves takes its transformer with it.
/// </summary>
public sealed class EtlPlacementTests(ThreeSiloProcessEtlCluster cluster) : IClassFixture<ThreeSiloProcessEtlCluster>
{
    private const string Name = "whoami-etl";
    private readonly EtlHttp _etl = new(cluster.Http, cluster.Endpoint);

    [Fact]
    public async Task Each_silo_transforms_only_what_it_owns_and_a_joining_silo_starts_the_running_etl()
    {
        await _etl.CreateBucketAsync("etl-where");
        var names = Enumerable.Range(0, 30).Select(i => $"obj-{i:D2}").ToList();
        foreach (var n in names) await _etl.PutAsync("etl-where", n, new ByteArrayContent([1]));
        await _etl.InitOkAsync(EtlHttp.Spec(Name, "hpush://", ["etl-host", "whoami"]));
        try
        {
            var perNode = await TransformAllAsync(names);
            Assert.Equal(3, perNode.Count); // 30 names spread over all three silos

            var view = await _etl.ViewAsync(Name);
            Assert.Equal("Running", view.GetProperty("stage").GetString());
            foreach (var node in view.GetProperty("nodes").EnumerateArray())
            {
                var id = node.GetProperty("node").GetString()!;
                Assert.Equal(perNode.GetValueOrDefault(id), node.GetProperty("objects").GetInt64());
            }

            // A fourth silo joins: it starts the running ETL by itself and transforms its new share.
            var joined = await cluster.AddSiloAsync();
            await Waiting.WaitUntil(() => _etl.ViewAsync(Name),
                v => v.GetProperty("nodes").GetArrayLength() == 4 && v.GetProperty("stage").GetString() == "Running",
                TimeSpan.FromSeconds(60), v => $"joined silo did not start the ETL: {v}");
            var afterJoin = await TransformAllAsync(names, retryWhileMoving: true);
            Assert.True(afterJoin.GetValueOrDefault(joined.NodeId) > 0, "the joined silo transformed none of its objects");

            // It leaves again (decommissioned, then stopped): its transformer goes with it, and the ETL carries on.
            Assert.True(TransformerProcesses.RunningOn(Name, joined.NodeId), "the joined silo runs no transformer");
            using (var decommission = await cluster.Http.PostAsync(new Uri(cluster.Endpoint, $"/v1/cluster/nodes/{joined.NodeId}/decommission"), null))
                Assert.Equal(HttpStatusCode.Accepted, decommission.StatusCode);
            await Waiting.WaitUntil(async () => await NodeStateAsync(joined.NodeId) == "drained", TimeSpan.FromSeconds(60),
                () => "the joined silo did not drain");
            await joined.StopAsync(TimeSpan.FromSeconds(60));
            Assert.False(TransformerProcesses.RunningOn(Name, joined.NodeId), "the stopped silo left its transformer running");
            await Waiting.WaitUntil(() => _etl.ViewAsync(Name),
                v => v.GetProperty("nodes").GetArrayLength() == 3 && v.GetProperty("stage").GetString() == "Running",
                TimeSpan.FromSeconds(60), v => $"the ETL did not settle on the remaining silos: {v}");
            var afterLeave = await TransformAllAsync(names, retryWhileMoving: true);
            Assert.Equal(names.Count, afterLeave.Values.Sum());
            Assert.DoesNotContain(joined.NodeId, afterLeave.Keys);
        }
        finally
        {
            await _etl.DeleteAsync(Name);
        }
    }

    private async Task<string?> NodeStateAsync(string nodeId)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(await cluster.Http.GetStringAsync(new Uri(cluster.Endpoint, "/v1/cluster")));
        return doc.RootElement.GetProperty("nodes").EnumerateArray()
            .FirstOrDefault(n => n.GetProperty("node_id").GetString() == nodeId) is { ValueKind: System.Text.Json.JsonValueKind.Object } node
            ? node.GetProperty("state").GetString()
            : null;
    }

    /// <summary>Transforms every object; the whoami transformer answers with its silo's node id, which must be the owner.</summary>
    private async Task<Dictionary<string, long>> TransformAllAsync(List<string> names, bool retryWhileMoving = false)
    {
        var perNode = new Dictionary<string, long>();
        foreach (var n in names)
        {
            // Right after a join an object may still be on its way to its new owner: then retry for a while.
            var (_, _, owner, _) = await Waiting.WaitUntil(async () =>
                {
                    using var plain = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, _etl.ObjectUri("etl-where", n, "")));
                    using var transformed = await _etl.GetTransformedAsync("etl-where", n, Name);
                    var body = await transformed.Content.ReadAsStringAsync();
                    var owner = plain.Headers.TryGetValues("X-Oais-Node", out var v) ? v.Single() : "";
                    return (Plain: plain.StatusCode, Transformed: transformed.StatusCode, Owner: owner, Body: body);
                },
                r => r.Plain == HttpStatusCode.OK && r.Transformed == HttpStatusCode.OK && r.Owner == r.Body.Trim(),
                TimeSpan.FromSeconds(retryWhileMoving ? 30 : 0),
                r => $"{n}: HEAD {(int)r.Plain} owner '{r.Owner}', transform {(int)r.Transformed} '{r.Body}'",
                TimeSpan.FromMilliseconds(200));
            perNode[owner] = perNode.GetValueOrDefault(owner) + 1;
        }
        return perNode;
    }
}
