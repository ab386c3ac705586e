namespace OrleansAis.Tests.Cluster;

/// <summary>Restarts silos, so it gets a cluster of its own.</summary>
public sealed class RestartTests : IAsyncLifetime
{
    private readonly StoreCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_restarted_silo_keeps_its_objects_and_the_bucket_registry_survives()
    {
        var client = _cluster.Client;
        await client.CreateBucketAsync("durable", new Dictionary<string, string> { ["owner"] = "team-a" });
        var names = Enumerable.Range(0, 30).Select(i => $"obj-{i:D2}").ToList();
        foreach (var n in names) await client.PutObjectAsync("durable", n, new MemoryStream(PatternStream.Bytes(500, (ulong)n.GetHashCode())));

        // Restart every silo in turn, so whichever hosted the registry grain is restarted too.
        foreach (var silo in _cluster.Silos.ToList())
        {
            var restarted = await _cluster.Cluster.RestartSiloAsync(silo);
            Assert.Equal(silo.Name, restarted!.Name);
        }
        await _cluster.Cluster.WaitForLivenessToStabilizeAsync();
        await _cluster.WaitUntilEveryNodeOwnsAsync(); // a restarted silo owns again once it has reconciled

        var bucket = await client.GetBucketAsync("durable");
        Assert.Equal("team-a", bucket!.Properties["owner"]);
        var listed = new List<string>();
        await foreach (var e in client.EnumerateObjectsAsync("durable")) listed.Add(e.Name);
        Assert.Equal(names, listed);
        foreach (var n in names)
        {
            var content = new MemoryStream();
            var meta = await client.GetObjectAsync("durable", n, content);
            Assert.Equal(PatternStream.Bytes(500, (ulong)n.GetHashCode()), content.ToArray());
            Assert.Equal(_cluster.ExpectedOwner("durable", n), meta.Node);
        }
    }
}
