using OrleansAis.Grains;
using OrleansAis.Ownership;
using OrleansAis.Testing;

namespace OrleansAis.Tests.Cluster;

/// <summary>Adds a silo, so it gets a cluster of its own.</summary>
public sealed class MembershipChangeTests : IAsyncLifetime
{
    private readonly StoreCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_joining_silo_takes_over_its_share_and_every_object_stays_readable()
    {
        var client = _cluster.Client;
        await client.CreateBucketAsync("moving");
        var names = Enumerable.Range(0, 60).Select(i => $"m/{i:D2}").ToList();
        foreach (var n in names) await client.PutObjectAsync("moving", n, new MemoryStream(PatternStream.Bytes(2000, (ulong)n.Length + 7)));
        foreach (var n in names) await client.HeadObjectAsync("moving", n); // activate every grain on its 3-silo owner

        var joined = await _cluster.Cluster.StartAdditionalSiloAsync();
        await _cluster.Cluster.WaitForLivenessToStabilizeAsync();
        var newShare = names.Where(n => _cluster.ExpectedOwner("moving", n) == joined.Name).ToList();
        Assert.InRange(newShare.Count, 5, 30); // about a quarter moves, nothing else

        // Readable throughout the move, byte-exact.
        foreach (var n in names)
        {
            var content = new MemoryStream();
            await client.GetObjectAsync("moving", n, content);
            Assert.Equal(PatternStream.Bytes(2000, (ulong)n.Length + 7), content.ToArray());
        }

        // Eventually every object sits on its new owner's disk and nowhere else.
        await Waiting.WaitUntil(
            () => Task.FromResult(names.Where(n => _cluster.Silos.Any(s =>
                (_cluster.StoreOf(s).Head("moving", n) is not null) != (s.Name == _cluster.ExpectedOwner("moving", n)))).ToList()),
            misplaced => misplaced.Count == 0, TimeSpan.FromSeconds(60), misplaced => $"still misplaced: {string.Join(", ", misplaced)}");
        Assert.Equal(newShare.Order(), _cluster.StoreOf(joined).List("moving", new ListRequest()).Entries.Select(e => e.Name).Order());

        // The listing stays exact.
        var listed = new List<string>();
        await foreach (var e in client.EnumerateObjectsAsync("moving")) listed.Add(e.Name);
        Assert.Equal(names, listed);
        // Grains left on a former owner name the new owner as the place for the bytes, and reads come from its disk.
        foreach (var n in newShare)
        {
            var grain = _cluster.Cluster.Client.GetGrain<IObjectGrain>(ObjectKey.Format("moving", n));
            Assert.Equal(joined.Name, (await grain.Locate()).NodeId);
            Assert.Equal(joined.Name, (await client.HeadObjectAsync("moving", n)).Node);
        }
    }
}
