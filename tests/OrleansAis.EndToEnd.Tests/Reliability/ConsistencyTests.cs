using OrleansAis.ClusterScript;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OrleansAis.Testing;
using OrleansAis.Tests;
using Xunit.Abstractions;

namespace OrleansAis.EndToEnd.Tests.Reliability;

/// <summary>
/// The consistency promises of docs/RELIABILITY.md ("Consistency") on a real three-process cluster: a restarted owner
/// never serves a version older than an acknowledged write; a down owner's objects answer 503, not 404, and listings
/// are complete, refused or flagged; a PUT proxied to a just-killed owner is answered within the proxy bound; a write
/// is either acknowledged or not visible afterwards.
/// </summary>
public sealed class ConsistencyTests(ITestOutputHelper output)
{
    private const int KeysPerBucket = 20;
    private const int Rounds = 5;
    private const int Size = 4096;
    private static readonly string[] Buckets = ["plain", "mirrored"];

    /// <summary>
    /// Put v1 on keys the victim owns, kill -9 it, overwrite them (a stand-in acknowledges v2), restart it; readers on
    /// every silo keep reading through the outage, the restart and after it: no read may return v1.
    /// </summary>
    [RedisFact]
    public async Task A_restarted_owner_never_serves_a_version_older_than_an_acknowledged_write()
    {
        RedisAvailability.EnsureAvailable();
        var total = Stopwatch.StartNew();
        await using var cluster = await ScriptedCluster.StartAsync(3, KillDuringPutTests.SiloArgs);
        try
        {
            await StaleReadRoundsAsync(cluster, total);
        }
        catch
        {
            foreach (var node in cluster.Nodes) output.WriteLine($"---- {node.NodeId} log tail:\n{ScriptedCluster.LogTail(node, 80)}");
            throw;
        }
    }

    private async Task StaleReadRoundsAsync(ScriptedCluster cluster, Stopwatch total)
    {
        var nodes = cluster.Nodes;
        using var http = Client();
        await CreateBucketsAsync(http, nodes[0]);

        long reads = 0, stale = 0, readsViaVictim = 0;
        var staleSamples = new ConcurrentQueue<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var victim = nodes[1 + round % 2];
            var survivor = nodes[0];
            var (v1, v2) = ((ulong)(round * 2 + 1), (ulong)(round * 2 + 2));
            var keys = new List<(string Bucket, string Name)>();
            foreach (var bucket in Buckets)
            {
                var owned = 0;
                for (var i = 0; owned < KeysPerBucket && i < 2000; i++)
                {
                    var name = $"r{round}/{i}";
                    if (await PutAsync(http, survivor.HttpUrl, bucket, name, v1) != victim.NodeId) continue;
                    keys.Add((bucket, name));
                    owned++;
                }
                Assert.Equal(KeysPerBucket, owned);
            }

            await cluster.KillAsync(victim);
            await KillDuringPutTests.WaitUntilGoneAsync(http, survivor, victim);
            foreach (var (bucket, name) in keys)
                Assert.NotEqual(victim.NodeId, await PutAsync(http, survivor.HttpUrl, bucket, name, v2));

            // Readers on every silo, the victim included as soon as it answers, from before the restart until well after it.
            var old = Pattern(v1);
            var current = Pattern(v2);
            using var stop = new CancellationTokenSource();
            var readers = nodes.Select(silo => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    foreach (var (bucket, name) in keys)
                    {
                        if (stop.IsCancellationRequested) break;
                        var body = await TryGetAsync(http, silo.HttpUrl, bucket, name);
                        if (body is null) continue; // refused, 503: unavailable, not wrong
                        Interlocked.Increment(ref reads);
                        if (silo == victim) Interlocked.Increment(ref readsViaVictim);
                        if (body.AsSpan().SequenceEqual(old))
                        {
                            Interlocked.Increment(ref stale);
                            staleSamples.Enqueue($"round {round}: {bucket}/{name} via {silo.NodeId}");
                        }
                        else Assert.True(body.AsSpan().SequenceEqual(current), $"{bucket}/{name} via {silo.NodeId}: neither v1 nor v2 ({body.Length} bytes)");
                    }
                }
            })).ToList();
            var readsBefore = Interlocked.Read(ref readsViaVictim);
            await cluster.RestartAsync(victim);
            // Until the restarted silo itself has answered plenty of reads.
            await Waiting.WaitUntil(() => Interlocked.Read(ref readsViaVictim) - readsBefore >= 4 * keys.Count, TimeSpan.FromSeconds(60),
                () => $"the restarted {victim.NodeId} answered only {Interlocked.Read(ref readsViaVictim) - readsBefore} reads");
            await stop.CancelAsync();
            await Task.WhenAll(readers);
            output.WriteLine($"round {round}: victim {victim.NodeId}, {keys.Count} keys; reads so far {reads}, stale {stale}");
        }
        output.WriteLine($"{Rounds} rounds, {reads} reads ({readsViaVictim} through the restarted silos), {stale} stale; {total.Elapsed.TotalSeconds:F0} s");
        Assert.True(stale == 0, $"{stale} reads returned a version older than an acknowledged write:\n" + string.Join('\n', staleSamples.Take(20)));
    }

    /// <summary>
    /// While an unmirrored owner is down its objects (and names it may hold) answer 503 naming it, never 404; a listing
    /// answers 503 unless partial is allowed, then it is flagged; a mirrored bucket's listing stays complete; a PUT
    /// proxied to the owner right after its kill is answered within the proxy bound; once it is back, all is whole.
    /// </summary>
    [RedisFact]
    public async Task A_down_owner_makes_its_objects_unavailable_not_absent()
    {
        RedisAvailability.EnsureAvailable();
        await using var cluster = await ScriptedCluster.StartAsync(3, KillDuringPutTests.SiloArgs);
        var nodes = cluster.Nodes;
        var (victim, survivor) = (nodes[1], nodes[0]);
        using var http = Client();
        await CreateBucketsAsync(http, survivor);
        var owners = new Dictionary<(string, string), string>();
        foreach (var bucket in Buckets)
        {
            for (var i = 0; i < 60; i++) owners[(bucket, $"k/{i}")] = await PutAsync(http, survivor.HttpUrl, bucket, $"k/{i}", 7);
        }
        var victims = owners.Where(o => o.Value == victim.NodeId).Select(o => o.Key).ToList();
        Assert.Contains(victims, k => k.Item1 == "plain");

        await cluster.KillAsync(victim);
        // Right after the kill, before it is declared dead: PUTs proxied to it are answered within the bound.
        var proxied = await Task.WhenAll(victims.Where(k => k.Item1 == "plain").Take(5).Select(async k =>
        {
            var clock = Stopwatch.StartNew();
            using var content = new StreamContent(new PatternStream(256 << 10, 9));
            content.Headers.ContentLength = 256 << 10;
            try
            {
                using var response = await http.PutAsync(new Uri(survivor.HttpUrl, $"/v1/objects/{k.Item1}/{k.Item2}"), content);
                return (Status: (int)response.StatusCode, clock.Elapsed);
            }
            catch (HttpRequestException)
            {
                return (Status: -1, clock.Elapsed); // closed with no answer
            }
        }));
        output.WriteLine("proxied PUTs right after the kill: " + string.Join(", ", proxied.Select(p => $"{p.Status} in {p.Elapsed.TotalSeconds:F1} s")));
        Assert.All(proxied, p => Assert.True(p.Status > 0 && p.Elapsed < TimeSpan.FromSeconds(15), $"answer {p.Status} after {p.Elapsed}"));
        // A PUT answered with an error is not visible as the new content later (seed 9 must not replace seed 7 unless acknowledged).
        var refused = victims.Where(k => k.Item1 == "plain").Take(5).Zip(proxied).Where(x => x.Second.Status >= 300).Select(x => x.First).ToHashSet();

        await KillDuringPutTests.WaitUntilGoneAsync(http, survivor, victim);
        foreach (var (bucket, name) in victims.Where(k => k.Item1 == "plain"))
        {
            using var get = await http.GetAsync(new Uri(survivor.HttpUrl, $"/v1/objects/{bucket}/{name}"));
            var body = await get.Content.ReadAsStringAsync();
            Assert.True(get.StatusCode == HttpStatusCode.ServiceUnavailable && body.Contains(victim.NodeId),
                $"GET {bucket}/{name} while its owner is down: {(int)get.StatusCode} {body}");
            using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(survivor.HttpUrl, $"/v1/objects/{bucket}/{name}")));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, head.StatusCode);
        }
        // Mirrored objects of the down node are read from their other copy.
        foreach (var (bucket, name) in victims.Where(k => k.Item1 == "mirrored"))
            Assert.NotNull(await TryGetAsync(http, survivor.HttpUrl, bucket, name));

        using (var list = await http.GetAsync(new Uri(survivor.HttpUrl, "/v1/buckets/plain")))
            Assert.True(list.StatusCode == HttpStatusCode.ServiceUnavailable, $"listing with a node down: {(int)list.StatusCode}");
        using (var partial = JsonDocument.Parse(await http.GetStringAsync(new Uri(survivor.HttpUrl, "/v1/buckets/plain?partial=true"))))
        {
            Assert.True(partial.RootElement.GetProperty("partial").GetBoolean());
            Assert.Contains(victim.NodeId, partial.RootElement.GetProperty("unavailable_nodes").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(60 - victims.Count(k => k.Item1 == "plain"), partial.RootElement.GetProperty("entries").GetArrayLength());
        }
        using (var mirrored = JsonDocument.Parse(await http.GetStringAsync(new Uri(survivor.HttpUrl, "/v1/buckets/mirrored"))))
        {
            Assert.False(mirrored.RootElement.GetProperty("partial").GetBoolean());
            Assert.Equal(60, mirrored.RootElement.GetProperty("entries").GetArrayLength());
        }

        // Deletes while a holder is down: a mirrored object (its other copy is here) is deleted and the delete is
        // remembered, so the down node's copy does not come back; an unmirrored one only the down node holds is 503.
        var deleted = victims.Where(k => k.Item1 == "mirrored").Take(5).ToList();
        Assert.NotEmpty(deleted);
        foreach (var (bucket, name) in deleted)
        {
            using var delete = await http.DeleteAsync(new Uri(survivor.HttpUrl, $"/v1/objects/{bucket}/{name}"));
            Assert.True(delete.IsSuccessStatusCode, $"DELETE {bucket}/{name} with one holder down: {(int)delete.StatusCode} {await delete.Content.ReadAsStringAsync()}");
        }
        var (plainBucket, plainName) = victims.First(k => k.Item1 == "plain");
        using (var delete = await http.DeleteAsync(new Uri(survivor.HttpUrl, $"/v1/objects/{plainBucket}/{plainName}")))
            Assert.True(delete.StatusCode == HttpStatusCode.ServiceUnavailable, $"DELETE of an object only the down node holds: {(int)delete.StatusCode}");

        await cluster.RestartAsync(victim);
        await WaitAllOwnAsync(http, survivor);
        foreach (var silo in nodes)
        {
            foreach (var (bucket, name) in deleted)
            {
                using var get = await http.GetAsync(new Uri(silo.HttpUrl, $"/v1/objects/{bucket}/{name}"));
                Assert.True(get.StatusCode == HttpStatusCode.NotFound, $"{bucket}/{name}, deleted while {victim.NodeId} was down, via {silo.NodeId} after its return: {(int)get.StatusCode}");
            }
        }
        foreach (var key in deleted) owners.Remove(key);
        using (var mirrored = JsonDocument.Parse(await http.GetStringAsync(new Uri(survivor.HttpUrl, "/v1/buckets/mirrored"))))
        {
            var listed = mirrored.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToHashSet();
            Assert.All(deleted, k => Assert.DoesNotContain(k.Item2, listed));
        }
        await Waiting.WaitUntil(async () =>
        {
            using var list = await http.GetAsync(new Uri(survivor.HttpUrl, "/v1/buckets/plain"));
            if (list.StatusCode != HttpStatusCode.OK) return false;
            using var doc = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
            return doc.RootElement.GetProperty("entries").GetArrayLength() == 60;
        }, TimeSpan.FromSeconds(60), () => "the listing did not become complete after the owner returned");
        foreach (var ((bucket, name), _) in owners)
        {
            var body = await TryGetAsync(http, survivor.HttpUrl, bucket, name);
            Assert.NotNull(body);
            // Refused PUTs left the acknowledged content (seed 7) in place.
            if (refused.Contains((bucket, name))) Assert.True(body.AsSpan().SequenceEqual(Pattern(7, 4096)), $"{bucket}/{name}: a refused PUT is visible");
        }
    }

    /// <summary>
    /// Write outcomes are exact: PUTs to a mirrored bucket whose mirror node was just killed are stored on the owner,
    /// so they are acknowledged (mirroring degraded, restored by rebalancing), never answered 503 while visible.
    /// </summary>
    [RedisFact]
    public async Task A_mirrored_put_whose_copy_fails_is_acknowledged_and_reads_back()
    {
        RedisAvailability.EnsureAvailable();
        await using var cluster = await ScriptedCluster.StartAsync(3, KillDuringPutTests.SiloArgs);
        var nodes = cluster.Nodes;
        var (owner, mirror) = (nodes[0], nodes[1]);
        using var http = Client();
        await CreateBucketsAsync(http, owner);
        // Names whose ranking puts the owner first and the victim second: the victim holds their mirror copies.
        var names = Enumerable.Range(0, 2000).Select(i => $"m/{i}")
            .Where(n => Ownership.Rendezvous.Ranked(Ownership.ObjectKey.Format("mirrored", n), nodes.Select(x => x.NodeId), id => id).Take(2)
                .SequenceEqual([owner.NodeId, mirror.NodeId]))
            .Take(10).ToList();
        foreach (var name in names) Assert.Equal(owner.NodeId, await PutAsync(http, owner.HttpUrl, "mirrored", name, 1));

        await cluster.KillAsync(mirror);
        var outcomes = new List<string>();
        foreach (var name in names)
        {
            using var content = new ByteArrayContent(Pattern(2));
            using var response = await http.PutAsync(new Uri(owner.HttpUrl, $"/v1/objects/mirrored/{name}"), content);
            outcomes.Add($"{name}: {(int)response.StatusCode}");
            var body = await TryGetAsync(http, owner.HttpUrl, "mirrored", name);
            Assert.NotNull(body);
            // Acknowledged: the new content; refused: the old one. Never refused and yet the new content.
            var expected = response.IsSuccessStatusCode ? Pattern(2) : Pattern(1);
            Assert.True(body.AsSpan().SequenceEqual(expected), $"{name}: answered {(int)response.StatusCode} but reads {(body.AsSpan().SequenceEqual(Pattern(2)) ? "the new" : "the old")} content");
        }
        output.WriteLine("PUTs with the mirror node just killed: " + string.Join(", ", outcomes));
        Assert.All(outcomes, o => Assert.EndsWith(": 200", o));
    }

    /// <summary>Until GET /v1/cluster shows no node joining: every node has reconciled and owns its share.</summary>
    private static Task WaitAllOwnAsync(HttpClient http, ScriptedNode observer) =>
        Waiting.WaitUntil(async () =>
        {
            try
            {
                using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri(observer.HttpUrl, "/v1/cluster")));
                return doc.RootElement.GetProperty("nodes").EnumerateArray().All(n => !n.GetProperty("joining").GetBoolean());
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => "a node was still joining after 60 s");

    private static HttpClient Client() =>
        new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(3) }) { Timeout = TimeSpan.FromSeconds(30) };

    private static async Task CreateBucketsAsync(HttpClient http, ScriptedNode silo)
    {
        (await http.PutAsync(new Uri(silo.HttpUrl, "/v1/buckets/plain"), null)).EnsureSuccessStatusCode();
        using var body = new StringContent("""{"properties":{"copies":"2"}}""", System.Text.Encoding.UTF8, "application/json");
        (await http.PutAsync(new Uri(silo.HttpUrl, "/v1/buckets/mirrored"), body)).EnsureSuccessStatusCode();
    }

    private static byte[] Pattern(ulong seed, int size = Size)
    {
        using var stream = new PatternStream(size, seed);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>PUTs Pattern(seed) and returns the node that acknowledged it as owner.</summary>
    private static async Task<string> PutAsync(HttpClient http, Uri silo, string bucket, string name, ulong seed, int size = Size)
    {
        using var content = new ByteArrayContent(Pattern(seed, size));
        using var response = await http.PutAsync(new Uri(silo, $"/v1/objects/{bucket}/{name}"), content);
        Assert.True(response.IsSuccessStatusCode, $"PUT {bucket}/{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        using var meta = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return meta.RootElement.GetProperty("node").GetString()!;
    }

    /// <summary>The object's bytes (redirects followed); null when unavailable (refused, timed out, 503). A 404 fails.</summary>
    private static async Task<byte[]?> TryGetAsync(HttpClient http, Uri silo, string bucket, string name)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(silo, $"/v1/objects/{bucket}/{name}"));
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable) return null;
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {bucket}/{name} via {silo}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return await response.Content.ReadAsByteArrayAsync();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
