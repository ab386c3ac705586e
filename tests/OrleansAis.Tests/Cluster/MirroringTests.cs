using OrleansAis.Ownership;
using Xunit.Abstractions;
using OrleansAis.Testing;

namespace OrleansAis.Tests.Cluster;

/// <summary>
/// Buckets with <c>copies: 2</c> keep each object on its owner and the next node of its ranking, so losing a silo for
/// good loses nothing; without mirroring the lost silo's objects are unavailable. Crashes a silo, so a cluster of its own.
/// </summary>
public sealed class MirroringTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int PerBucket = 150;
    private readonly StoreCluster _cluster = new();
    private readonly List<string> _names = Enumerable.Range(0, PerBucket).Select(i => $"part-{i:D3}").ToList();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    private static byte[] Content(string bucket, string name) => PatternStream.Bytes(100 + name.Length * 37, (ulong)(bucket.Length * 1000 + name.GetHashCode() & 0xFFF));

    private IReadOnlyList<string> Holders(string bucket, string name, int copies) =>
        Rendezvous.Ranked(ObjectKey.Format(bucket, name), _cluster.Cluster.GetActiveSilos().Select(s => s.Name), n => n).Take(copies).ToList();

    [Fact]
    public async Task A_mirrored_bucket_loses_nothing_when_a_silo_is_lost_and_its_copies_are_restored()
    {
        var client = _cluster.Client;
        await client.CreateBucketAsync("mirrored", new Dictionary<string, string> { [BucketProperties.Copies] = "2" });
        await client.CreateBucketAsync("single");
        foreach (var bucket in new[] { "mirrored", "single" })
        {
            await Parallel.ForEachAsync(_names, new ParallelOptions { MaxDegreeOfParallelism = 8 },
                async (n, _) => await client.PutObjectAsync(bucket, n, new MemoryStream(Content(bucket, n))));
        }

        // Acknowledged means placed: two copies on the first two nodes of each ranking, one copy otherwise.
        Assert.Equal(0, Misplaced("mirrored", 2));
        Assert.Equal(0, Misplaced("single", 1));

        var lost = _cluster.Silos[1];
        var unavailable = _names.Where(n => Holders("single", n, 1)[0] == lost.Name).ToList();
        await _cluster.Cluster.KillSiloAsync(lost);
        await _cluster.Cluster.WaitForLivenessToStabilizeAsync();

        // Every mirrored object reads back exactly and is listed once.
        foreach (var n in _names)
        {
            var body = new MemoryStream();
            await client.GetObjectAsync("mirrored", n, body);
            Assert.Equal(Content("mirrored", n), body.ToArray());
        }
        var listed = new List<string>();
        await foreach (var e in client.EnumerateObjectsAsync("mirrored")) listed.Add(e.Name);
        Assert.Equal(_names, listed);

        // Without mirroring, what the lost silo owned is unavailable while it is away: unavailable, not absent.
        Assert.NotEmpty(unavailable);
        foreach (var n in unavailable)
        {
            var e = await Assert.ThrowsAsync<OaisException>(() => client.HeadObjectAsync("single", n));
            Assert.Equal(OaisErrorCode.Unavailable, e.Code);
            Assert.Contains(lost.Name, e.Message);
        }

        // The surviving owners restore the second copy on the remaining nodes.
        await Waiting.WaitUntil(() => Task.FromResult(Misplaced("mirrored", 2)), misplaced => misplaced == 0, TimeSpan.FromSeconds(60),
            misplaced => $"{misplaced} mirrored objects still lack their second copy");
        output.WriteLine($"mirrored: {PerBucket} objects, all readable after losing {lost.Name}; " +
                         $"single copy: {unavailable.Count} of {PerBucket} unavailable");

        // Deleting a mirrored object removes every copy.
        Assert.True(await client.DeleteObjectAsync("mirrored", _names[0]));
        Assert.All(_cluster.Cluster.GetActiveSilos(), s => Assert.Null(_cluster.StoreOf(s).Head("mirrored", _names[0])));
    }

    [Fact]
    public async Task A_copies_property_out_of_range_is_refused_naming_it()
    {
        foreach (var value in new[] { "0", "9", "two", "-1" })
        {
            var e = await Assert.ThrowsAsync<OaisException>(() =>
                _cluster.Client.CreateBucketAsync("bad-copies", new Dictionary<string, string> { [BucketProperties.Copies] = value }));
            Assert.Equal(OaisErrorCode.InvalidArgument, e.Code);
            Assert.Contains("copies", e.Message);
            Assert.Null(await _cluster.Client.GetBucketAsync("bad-copies"));
        }
    }

    /// <summary>Objects not held by exactly their first <paramref name="copies"/> running nodes.</summary>
    private int Misplaced(string bucket, int copies)
    {
        var silos = _cluster.Cluster.GetActiveSilos().ToList();
        return _names.Count(n =>
        {
            var holders = Holders(bucket, n, copies);
            return silos.Any(s => (_cluster.StoreOf(s).Head(bucket, n) is not null) != holders.Contains(s.Name));
        });
    }
}
