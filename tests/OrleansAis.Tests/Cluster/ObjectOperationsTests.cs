namespace OrleansAis.Tests.Cluster;

public sealed class ObjectOperationsTests(StoreCluster cluster) : IClassFixture<StoreCluster>
{
    private async Task<string> NewBucket()
    {
        var name = "b" + Guid.NewGuid().ToString("N")[..10];
        await cluster.Client.CreateBucketAsync(name);
        return name;
    }

    [Fact]
    public async Task Objects_written_through_the_client_land_on_their_owner_disk_and_nowhere_else()
    {
        var bucket = await NewBucket();
        for (var i = 0; i < 30; i++)
        {
            var name = $"land/obj-{i}";
            var content = PatternStream.Bytes(1000 + i, (ulong)i);
            var meta = await cluster.Client.PutObjectAsync(bucket, name, new MemoryStream(content));
            var owner = cluster.ExpectedOwner(bucket, name);
            Assert.Equal(owner, meta.Node);
            foreach (var silo in cluster.Silos)
            {
                var local = cluster.StoreOf(silo).Head(bucket, name);
                if (silo.Name == owner) Assert.Equal(content.Length, local!.Size);
                else Assert.Null(local);
            }
        }
    }

    [Fact]
    public async Task Put_get_range_head_delete_round_trip()
    {
        var bucket = await NewBucket();
        var content = PatternStream.Bytes(3 * 1024 * 1024 + 17, seed: 7); // several chunks, uneven tail
        var put = await cluster.Client.PutObjectAsync(bucket, "dir/file.bin", new MemoryStream(content),
            new PutOptions { ContentType = "application/x-test", Custom = new Dictionary<string, string> { ["origin"] = "test" } });

        var head = await cluster.Client.HeadObjectAsync(bucket, "dir/file.bin");
        Assert.Equal(put.Checksum, head.Checksum);
        Assert.Equal("application/x-test", head.ContentType);
        Assert.Equal("test", head.Custom["origin"]);

        var full = new MemoryStream();
        await cluster.Client.GetObjectAsync(bucket, "dir/file.bin", full);
        Assert.Equal(content, full.ToArray());

        var range = new MemoryStream();
        await cluster.Client.GetObjectAsync(bucket, "dir/file.bin", range, offset: 1_000_000, length: 2_000_000);
        Assert.Equal(content.AsSpan(1_000_000, 2_000_000).ToArray(), range.ToArray());

        Assert.True(await cluster.Client.DeleteObjectAsync(bucket, "dir/file.bin"));
        var gone = await Assert.ThrowsAsync<OaisException>(() => cluster.Client.HeadObjectAsync(bucket, "dir/file.bin"));
        Assert.Equal(OaisErrorCode.ObjectNotFound, gone.Code);
        Assert.False(await cluster.Client.DeleteObjectAsync(bucket, "dir/file.bin"));
    }

    [Fact]
    public async Task Unknown_bucket_is_not_found_and_nothing_is_written()
    {
        var e = await Assert.ThrowsAsync<OaisException>(() => cluster.Client.PutObjectAsync("no-such-bucket", "x", new MemoryStream([1])));
        Assert.Equal(OaisErrorCode.BucketNotFound, e.Code);
        Assert.Contains("no-such-bucket", e.Message);
        Assert.All(cluster.Silos, s => Assert.Equal(0, cluster.StoreOf(s).Count("no-such-bucket")));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a/../b", "'..'")]
    [InlineData("/abs", "absolute")]
    [InlineData("nul\0", "NUL")]
    public async Task Invalid_names_are_rejected_with_the_reason(string name, string reason)
    {
        var bucket = await NewBucket();
        var e = await Assert.ThrowsAsync<OaisException>(() => cluster.Client.PutObjectAsync(bucket, name, new MemoryStream([1])));
        Assert.Equal(OaisErrorCode.InvalidName, e.Code);
        Assert.Contains(reason, e.Message);
        Assert.Empty((await cluster.Client.ListObjectsAsync(bucket)).Entries);
    }

    [Fact]
    public async Task Names_over_1024_bytes_are_rejected()
    {
        var bucket = await NewBucket();
        var e = await Assert.ThrowsAsync<OaisException>(() => cluster.Client.PutObjectAsync(bucket, new string('n', 1025), new MemoryStream([1])));
        Assert.Contains("1024", e.Message);
    }

    [Fact]
    public async Task Buckets_create_list_and_delete_refusing_non_empty_unless_forced()
    {
        var bucket = await NewBucket();
        var props = await cluster.Client.GetBucketAsync(bucket);
        Assert.NotNull(props);
        Assert.Contains(bucket, (await cluster.Client.ListBucketsAsync()).Select(b => b.Name));
        var exists = await Assert.ThrowsAsync<OaisException>(() => cluster.Client.CreateBucketAsync(bucket));
        Assert.Equal(OaisErrorCode.BucketAlreadyExists, exists.Code);

        for (var i = 0; i < 12; i++) await cluster.Client.PutObjectAsync(bucket, $"o{i}", new MemoryStream([1, 2]));
        var notEmpty = await Assert.ThrowsAsync<OaisException>(() => cluster.Client.DeleteBucketAsync(bucket));
        Assert.Equal(OaisErrorCode.BucketNotEmpty, notEmpty.Code);
        Assert.Contains("12 objects", notEmpty.Message);

        await cluster.Client.DeleteBucketAsync(bucket, force: true);
        Assert.Null(await cluster.Client.GetBucketAsync(bucket));
        Assert.All(cluster.Silos, s => Assert.Equal(0, cluster.StoreOf(s).Count(bucket)));
        var missing = await Assert.ThrowsAsync<OaisException>(() => cluster.Client.HeadObjectAsync(bucket, "o1"));
        Assert.Equal(OaisErrorCode.BucketNotFound, missing.Code);
    }

    [Fact]
    public async Task Bucket_properties_are_kept()
    {
        var name = "props" + Guid.NewGuid().ToString("N")[..6];
        await cluster.Client.CreateBucketAsync(name, new Dictionary<string, string> { ["tier"] = "hot" });
        Assert.Equal("hot", (await cluster.Client.GetBucketAsync(name))!.Properties["tier"]);
    }
}
