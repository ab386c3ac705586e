using OrleansAis.Client;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Testing;
using Xunit.Abstractions;

namespace OrleansAis.EndToEnd.Tests.Client;

/// <summary>
/// ReadManyAsync of 2,000 objects while the cluster changes under it: a silo joins (owners move to it), then leaves
/// by decommission (they move back). The HTTP client reloads its node list only when a node says "not mine", so its
/// stale guesses go through redirects or the old owner; no object may be lost, duplicated or come back with wrong bytes.
/// </summary>
public sealed class ReadManyMembershipTests(MembershipClientCluster cluster, ITestOutputHelper output) : IClassFixture<MembershipClientCluster>
{
    private const string Bucket = "membership";
    private const int Objects = 2000;

    [Fact]
    public async Task A_join_and_a_decommission_during_ReadMany_lose_no_object_and_return_no_wrong_bytes()
    {
        var names = Enumerable.Range(0, Objects).Select(i => $"sample/{i:D5}").ToList();
        var http = cluster.HttpClient;
        await http.CreateBucketAsync(Bucket);
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, ct) =>
            await http.PutObjectAsync(Bucket, name, new MemoryStream(ClientApiTests.Content(name)), ct: ct));
        var redirectsBefore = cluster.Redirects.Redirects;

        // A join halfway through an unordered read: the reader pauses there until the new silo owns objects (a silo
        // owns nothing until it has reconciled with the others), so the rest of the reads meet the new owners.
        SiloProcess? joined = null;
        IReadOnlyList<NodeStats>? owned = null;
        await ReadAllAsync(http, names, ordered: false, atHalf: async () =>
        {
            joined = await cluster.AddSiloAsync();
            owned = await Waiting.WaitUntil(() => http.GetClusterAsync(), nodes => nodes.Any(n => n.Node.NodeId == joined.NodeId && n.ObjectCount > 0),
                TimeSpan.FromSeconds(60), nodes => "the new silo received no objects: " + string.Join(", ", nodes.Select(n => $"{n.Node.NodeId}={n.ObjectCount}")));
        });
        var redirectsAfterJoin = cluster.Redirects.Redirects - redirectsBefore;
        output.WriteLine($"join: {redirectsAfterJoin} redirects over {Objects} reads");
        output.WriteLine("after join: " + string.Join(", ", owned!.Select(n => $"{n.Node.NodeId}={n.ObjectCount}")));
        // How many reads meet a redirect depends on how far the hand-over got (the old owner serves what it still
        // holds); what the client must get right is below: every object once, with its bytes.

        // Its decommission halfway through ordered reads on both transports at once.
        var grainRead = ReadAllAsync(cluster.GrainClient, names, ordered: true, atHalf: null);
        await ReadAllAsync(http, names, ordered: true, atHalf: async () =>
        {
            await http.DecommissionAsync(joined!.NodeId);
            var nodes = await Waiting.WaitUntil(() => http.GetClusterAsync(),
                nodes => nodes.Single(n => n.Node.NodeId == joined.NodeId).State is NodeState.Drained or NodeState.DrainFailed,
                TimeSpan.FromSeconds(120), nodes => $"{joined.NodeId} did not drain: {nodes.Single(n => n.Node.NodeId == joined.NodeId).State}");
            // Whether the drain itself completes is the silos' concern (their decommission tests); what this test holds
            // the client to is below: every object read once, with its bytes, whichever node still had it.
            var leaving = nodes.Single(n => n.Node.NodeId == joined.NodeId);
            output.WriteLine($"decommission of {joined.NodeId}: {leaving.State} {leaving.DrainError}");
        });
        await grainRead;

        // Afterwards everything is still there, once, on the three that stayed.
        var listed = await http.EnumerateObjectsAsync(Bucket).Select(e => e.Name).ToListAsync();
        Assert.Equal(names, listed);
        await ReadAllAsync(http, names, ordered: false, atHalf: null);
    }

    /// <summary>Reads every name once (checking each object's bytes), running <paramref name="atHalf"/> after half of them.</summary>
    private static async Task ReadAllAsync(OaisClient oais, IReadOnlyList<string> names, bool ordered, Func<Task>? atHalf)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<string>();
        await foreach (var read in oais.ReadManyAsync(Bucket, names, new ReadManyOptions { Parallelism = 8, Ordered = ordered }))
        {
            using (read)
            {
                Assert.True(seen.Add(read.Name), $"{read.Name} came twice");
                var bytes = await ClientApiTests.ReadAll(read.Content);
                Assert.True(ClientApiTests.Content(read.Name).SequenceEqual(bytes), $"{read.Name}: wrong bytes");
                order.Add(read.Name);
            }
            if (seen.Count == names.Count / 2 && atHalf is not null) await atHalf();
        }
        Assert.Equal(names.Count, seen.Count);
        if (ordered) Assert.Equal(names, order);
    }
}
