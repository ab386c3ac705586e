using System.Collections.Concurrent;
using OrleansAis.Grains;
using Xunit.Abstractions;
using OrleansAis.Testing;

namespace OrleansAis.Tests.Cluster;

/// <summary>
/// Ownership follows membership: 2,000 objects stay readable byte-exact and listed exactly once while a third silo joins
/// (each silo hands over what the newcomer now owns) and while a silo leaves gracefully (it drains to the others first).
/// </summary>
public sealed class RebalanceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Bucket = "elastic";
    private const int ObjectCount = 2000;
    private readonly StoreCluster _cluster = new(silos: 2);
    private readonly List<string> _names = Enumerable.Range(0, ObjectCount).Select(i => $"shard-{i / 100:D2}/obj-{i:D4}").ToList();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    private static byte[] Content(string name)
    {
        var seed = (ulong)name.GetHashCode(StringComparison.Ordinal) & 0xFFFF;
        return PatternStream.Bytes(64 + (int)(seed % 4000), seed);
    }

    [Fact]
    public async Task Two_thousand_objects_stay_readable_and_listed_exactly_once_through_a_join_and_a_leave()
    {
        var client = _cluster.Client;
        await client.CreateBucketAsync(Bucket);
        await Parallel.ForEachAsync(_names, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (n, _) => await client.PutObjectAsync(Bucket, n, new MemoryStream(Content(n))));
        await AssertPlacedOnOwnersAsync(TimeSpan.FromSeconds(5));

        // Join: a third silo takes over about a third of the objects.
        var joinReads = await WhileReadingAsync("join", async () =>
        {
            var joined = await _cluster.Cluster.StartAdditionalSiloAsync();
            await _cluster.Cluster.WaitForLivenessToStabilizeAsync();
            var moving = _names.Count(n => _cluster.ExpectedOwner(Bucket, n) == joined.Name);
            output.WriteLine($"join: {joined.Name} owns {moving} of {ObjectCount} objects now");
            Assert.InRange(moving, ObjectCount / 3 - 150, ObjectCount / 3 + 150);
            await AssertListedExactlyAsync();
            await AssertPlacedOnOwnersAsync(TimeSpan.FromSeconds(120));
        });
        await AssertAllReadableAsync();
        await AssertListedExactlyAsync();

        // Leave: a silo is decommissioned (its objects go to their next owners), then stops for good.
        var leaving = _cluster.Silos[0];
        var leavingStore = _cluster.StoreOf(leaving);
        var leavingShare = _names.Count(n => _cluster.ExpectedOwner(Bucket, n) == leaving.Name);
        var leaveReads = await WhileReadingAsync("leave", async () =>
        {
            var draining = System.Diagnostics.Stopwatch.StartNew();
            var node = _cluster.Cluster.Client.GetGrain<INodeStoreGrain>(leaving.Name);
            await node.Decommission(shutdown: false);
            var stats = await Waiting.WaitUntil(node.Stats, s => s.State != NodeState.Draining, TimeSpan.FromMinutes(5),
                s => $"still draining, {s.DrainedObjects} objects handed over", TimeSpan.FromMilliseconds(200));
            Assert.True(stats.State == NodeState.Drained, $"decommission ended {stats.State}: {stats.DrainError}");
            Assert.Equal(0, stats.ObjectCount);
            Assert.Equal(leavingShare, stats.DrainedObjects);
            output.WriteLine($"leave: decommission drained {stats.DrainedObjects} objects in {draining.Elapsed.TotalSeconds:F1} s");
            await AssertListedExactlyAsync(); // drained but still a member: listed once, read from the new owners
            await _cluster.Cluster.StopSiloAsync(leaving);
            await _cluster.Cluster.WaitForLivenessToStabilizeAsync();
            await AssertListedExactlyAsync();
            await AssertPlacedOnOwnersAsync(TimeSpan.FromSeconds(120));
        });
        Assert.Empty(leavingStore.List(Bucket, new ListRequest { PageSize = ListRequest.MaxPageSize }).Entries); // nothing left behind
        await AssertAllReadableAsync();
        await AssertListedExactlyAsync();
        output.WriteLine($"objects: {ObjectCount}; reads during the join: {joinReads}, during the leave: {leaveReads}; lost: 0");
    }

    /// <summary>Runs <paramref name="change"/> while readers fetch every object over and over; every read must be exact.</summary>
    private async Task<long> WhileReadingAsync(string phase, Func<Task> change)
    {
        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        long reads = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            for (var i = r; !stop.IsCancellationRequested; i = (i + 4) % ObjectCount)
            {
                var name = _names[i];
                try
                {
                    var body = new MemoryStream();
                    await _cluster.Client.GetObjectAsync(Bucket, name, body);
                    if (!body.ToArray().AsSpan().SequenceEqual(Content(name))) failures.Enqueue($"{name}: wrong content ({body.Length} bytes)");
                }
                catch (Exception e)
                {
                    failures.Enqueue($"{name}: {e.GetType().Name}: {e.Message}");
                }
                Interlocked.Increment(ref reads);
            }
        })).ToList();
        try
        {
            await change();
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers);
        }
        output.WriteLine($"{phase}: {reads} reads in {clock.Elapsed.TotalSeconds:F1} s while membership changed, {failures.Count} failed");
        Assert.True(failures.IsEmpty, $"{failures.Count} reads failed during the {phase}:\n" + string.Join('\n', failures.Take(20)));
        return reads;
    }

    private async Task AssertAllReadableAsync()
    {
        var wrong = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(_names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, _) =>
        {
            var body = new MemoryStream();
            await _cluster.Client.GetObjectAsync(Bucket, n, body);
            if (!body.ToArray().AsSpan().SequenceEqual(Content(n))) wrong.Add(n);
        });
        Assert.Empty(wrong);
    }

    private async Task AssertListedExactlyAsync()
    {
        var listed = new List<string>();
        await foreach (var e in _cluster.Client.EnumerateObjectsAsync(Bucket)) listed.Add(e.Name);
        Assert.Equal(_names.Order(StringComparer.Ordinal), listed);
    }

    /// <summary>Waits until each object is on its owner's disk and on no other running silo's.</summary>
    private async Task AssertPlacedOnOwnersAsync(TimeSpan within)
    {
        await Waiting.WaitUntil(() => Task.FromResult(Misplaced()), misplaced => misplaced == 0, within,
            misplaced => $"{misplaced} objects still misplaced", TimeSpan.FromMilliseconds(500));

        int Misplaced()
        {
            var silos = _cluster.Cluster.GetActiveSilos().ToList();
            var held = silos.ToDictionary(s => s.Name, s => _cluster.StoreOf(s).List(Bucket, new ListRequest { PageSize = ListRequest.MaxPageSize })
                .Entries.Select(e => e.Name).ToHashSet());
            return _names.Count(n => silos.Any(s => held[s.Name].Contains(n) != (s.Name == _cluster.ExpectedOwner(Bucket, n))));
        }
    }
}
