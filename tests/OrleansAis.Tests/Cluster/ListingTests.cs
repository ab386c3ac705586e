namespace OrleansAis.Tests.Cluster;

public sealed class ListingTests(StoreCluster cluster) : IClassFixture<StoreCluster>
{
    [Fact]
    public async Task Listing_merges_all_silos_in_name_order_across_pages()
    {
        const string bucket = "listing";
        await cluster.Client.CreateBucketAsync(bucket);
        var names = Enumerable.Range(0, 100).Select(i => $"{(i % 2 == 0 ? "even" : "odd")}/item-{i:D3}").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (n, _) => await cluster.Client.PutObjectAsync(bucket, n, new MemoryStream([1])));

        // The objects really are spread: every silo holds some.
        Assert.All(cluster.Silos, s => Assert.InRange(cluster.StoreOf(s).Count(bucket), 1, 99));

        var pages = 0;
        var listed = new List<string>();
        string? token = null;
        do
        {
            var page = await cluster.Client.ListObjectsAsync(bucket, new ListRequest { PageSize = 7, ContinuationToken = token });
            Assert.True(page.Entries.Count <= 7);
            listed.AddRange(page.Entries.Select(e => e.Name));
            token = page.ContinuationToken;
            pages++;
        } while (token is not null);

        Assert.Equal(names.Order(StringComparer.Ordinal), listed);
        Assert.InRange(pages, 15, 16);

        var odd = new List<string>();
        await foreach (var e in cluster.Client.EnumerateObjectsAsync(bucket, "odd/")) odd.Add(e.Name);
        Assert.Equal(names.Where(n => n.StartsWith("odd/")).Order(StringComparer.Ordinal), odd);
    }
}
