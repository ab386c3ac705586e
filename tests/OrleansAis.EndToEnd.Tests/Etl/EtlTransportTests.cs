using System.Net.Http.Json;
using System.Text.Json;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Etl;

/// <summary>
/// The fast paths between a silo and its transformer: a Unix socket when the transformer takes the silo's offer, TCP
/// when it does not; kept-alive connections that survive a transformer restart. Each read goes through the silo the
/// test talks to, which redirects it to the owner for most names (cross-silo) and transforms its own (same-silo).
/// </summary>
public sealed class EtlTransportTests(ThreeSiloProcessEtlCluster cluster) : IClassFixture<ThreeSiloProcessEtlCluster>
{
    private const string Bucket = "etl-transport";
    private readonly EtlHttp _etl = new(cluster.Http, cluster.Endpoint);

    private static readonly string EtlHost = $"dotnet {RepoPaths.BuiltAssembly("etl-host/OrleansAis.EtlHost", "etl-host")}";

    // name -> (communication, command, argument, the transport every node must report)
    private static readonly (string Name, string Communication, string[] Command, string Argument, string Transport)[] Etls =
    [
        ("trans-hpush", "hpush://", ["etl-host", "echo"], "", "unix"),
        ("trans-hrev", "hrev://", ["etl-host", "echo"], "", "unix"),
        ("trans-ws", "ws://", ["etl-host", "echo"], "", "unix"),
        ("trans-hpull-fqn", "hpull://", ["etl-host", "echo"], "fqn", "unix"),
        // A transformer that does not listen on the offered socket (any server but ours) is reached over loopback TCP.
        ("trans-hpush-tcp", "hpush://", ["sh", "-c", $"unset OAIS_ETL_SOCKET; exec {EtlHost} echo"], "", "tcp"),
        ("trans-ws-tcp", "ws://", ["sh", "-c", $"unset OAIS_ETL_SOCKET; exec {EtlHost} echo"], "", "tcp"),
    ];

    [Fact]
    public async Task Every_path_is_byte_exact_over_its_transport_and_after_a_transformer_restart()
    {
        var objects = await FillAsync();
        try
        {
            foreach (var (name, communication, command, argument, _) in Etls)
                await _etl.InitOkAsync(EtlHttp.Spec(name, communication, command, argument));
            foreach (var (name, _, _, _, transport) in Etls)
            {
                var nodes = (await _etl.ViewAsync(name)).GetProperty("nodes").EnumerateArray().ToList();
                Assert.Equal(3, nodes.Count);
                Assert.All(nodes, node => Assert.Equal(transport, node.GetProperty("transport").GetString()));
            }

            foreach (var (name, _, _, _, _) in Etls) await ReadAllAsync(name, objects);

            // A restarted transformer: the connections pooled to the old one are dropped, and reads work as before.
            await TransformerProcesses.KillAsync("trans-hpush");
            await Waiting.WaitUntil(async () => (await _etl.ViewAsync("trans-hpush")).GetProperty("nodes").EnumerateArray()
                .All(n => n.GetProperty("stage").GetString() == "Running" && n.GetProperty("restarts").GetInt32() >= 1),
                TimeSpan.FromSeconds(60), () => "every node restarts its killed transformer");
            await ReadAllAsync("trans-hpush", objects);
        }
        finally
        {
            foreach (var (name, _, _, _, _) in Etls) await _etl.DeleteAsync(name);
        }
    }

    [Theory]
    [InlineData("hpush://", true)]
    [InlineData("ws://", true)]
    [InlineData("hpush://", false)]
    public async Task A_job_delivers_every_result_to_local_and_remote_owners(string communication, bool directPut)
    {
        var objects = await FillAsync();
        var etl = $"tr-job-{communication[..^3]}-{(directPut ? "direct" : "fwd")}";
        var destination = etl + "-out";
        await _etl.InitOkAsync(EtlHttp.Spec(etl, communication, ["etl-host", "echo"], extra: new Dictionary<string, object> { ["support_direct_put"] = directPut }));
        try
        {
            using var start = await cluster.Http.PostAsJsonAsync(new Uri(cluster.Endpoint, "/v1/jobs/etl"),
                new { etl, from_bucket = Bucket, to_bucket = destination, create_destination = true });
            Assert.True(start.IsSuccessStatusCode, await start.Content.ReadAsStringAsync());
            var id = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
            var status = JsonDocument.Parse(await cluster.Http.GetStringAsync(new Uri(cluster.Endpoint, $"/v1/jobs/{id}?wait=60"))).RootElement;
            Assert.Equal("Succeeded", status.GetProperty("state").GetString());
            Assert.Equal(objects.Count, status.GetProperty("objects").GetInt64());
            foreach (var (name, content) in objects)
                Assert.Equal(content, await cluster.Http.GetByteArrayAsync(_etl.ObjectUri(destination, name, "")));
        }
        finally
        {
            await _etl.DeleteAsync(etl);
        }
    }

    /// <summary>Objects of sizes around the edges (empty, one byte, buffer and frame boundaries, several MiB), spread over the silos.</summary>
    private async Task<Dictionary<string, byte[]>> FillAsync()
    {
        await _etl.CreateBucketAsync(Bucket);
        int[] sizes = [0, 1, 4095, 4096, 65_535, 65_536, 65_537, 1 << 20, (3 << 20) + 11];
        var objects = new Dictionary<string, byte[]>();
        for (var i = 0; i < 18; i++)
        {
            var content = new byte[sizes[i % sizes.Length]];
            new Random(i).NextBytes(content);
            objects[$"obj-{i:D2}"] = content;
        }
        foreach (var (name, content) in objects) await _etl.PutAsync(Bucket, name, new ByteArrayContent(content));
        return objects;
    }

    private async Task ReadAllAsync(string etl, Dictionary<string, byte[]> objects)
    {
        // Several at once, so that pooled connections are shared and reused.
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (entry, _) =>
        {
            using var response = await _etl.GetTransformedAsync(Bucket, entry.Key, etl);
            Assert.True(response.IsSuccessStatusCode, $"{etl} {entry.Key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(entry.Value, await response.Content.ReadAsByteArrayAsync());
        });
    }
}
