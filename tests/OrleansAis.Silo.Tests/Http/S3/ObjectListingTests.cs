using OrleansAis.Silo.Http.S3.Operations;

namespace OrleansAis.Silo.Tests.Http.S3;

/// <summary>S3 listing semantics on top of a name-ordered page source (here an in-memory one that counts its calls).</summary>
[Trait("Category", "Fast")]
public sealed class ObjectListingTests
{
    private sealed class Source(IEnumerable<string> names)
    {
        private readonly List<string> _names = names.Order(StringComparer.Ordinal).ToList();

        public int Calls { get; private set; }

        /// <summary>Pages as the cluster view serves them: names after the token that start with the prefix.</summary>
        public Task<ObjectListPage> Fetch(ListRequest request)
        {
            Calls++;
            var matching = _names.Where(n => n.StartsWith(request.Prefix, StringComparison.Ordinal)
                && (request.ContinuationToken is null || string.CompareOrdinal(n, request.ContinuationToken) > 0)).ToList();
            var page = matching.Take(request.EffectivePageSize).Select(n => new ObjectEntry { Name = n, Checksum = "0" }).ToList();
            return Task.FromResult(new ObjectListPage { Entries = page, ContinuationToken = matching.Count > page.Count ? page[^1].Name : null });
        }
    }

    /// <summary>Follows the listing page by page the way a client follows continuation tokens.</summary>
    private static async Task<List<string>> ListAllAsync(Source source, string prefix, string? delimiter, int maxKeys)
    {
        var listed = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await ObjectListing.ListAsync(source.Fetch, new ListingQuery(prefix, delimiter, maxKeys, after));
            Assert.True(page.Objects.Count + page.CommonPrefixes.Count <= maxKeys);
            listed.AddRange(page.Objects.Select(o => o.Name).Concat(page.CommonPrefixes).Order(StringComparer.Ordinal));
            if (!page.IsTruncated) return listed;
            after = page.Last;
        }
    }

    [Fact]
    public async Task A_large_folder_is_one_common_prefix_and_is_skipped_over_not_walked()
    {
        var source = new Source(Enumerable.Range(0, 5000).Select(i => $"big/{i:D5}").Append("a").Append("z"));
        var listed = await ListAllAsync(source, "", "/", maxKeys: 1);
        Assert.Equal(["a", "big/", "z"], listed);
        Assert.True(source.Calls <= 6, $"{source.Calls} page fetches for three entries");
    }

    [Fact]
    public async Task Pagination_resumes_exactly_after_keys_and_common_prefixes()
    {
        string[] names = ["a", "a/1", "a/2", "b/", "b/c/d", "bb", "c/x", "c/y/z", "d"];
        var source = new Source(names);
        Assert.Equal(["a", "a/", "b/", "bb", "c/", "d"], await ListAllAsync(source, "", "/", maxKeys: 1));
        Assert.Equal(["c/x", "c/y/"], await ListAllAsync(source, "c/", "/", maxKeys: 1));
        Assert.Equal(names, await ListAllAsync(source, "", null, maxKeys: 2));
        // A delimiter of several characters rolls up at its first occurrence after the prefix.
        Assert.Equal(["a", "a/1", "a/2", "b/", "b/c", "bb", "c/x", "c/y/z", "d"], await ListAllAsync(source, "", "/c", maxKeys: 4));
    }

    [Fact]
    public async Task Max_keys_zero_lists_nothing()
    {
        var page = await ObjectListing.ListAsync(new Source(["a"]).Fetch, new ListingQuery("", null, 0, null));
        Assert.Empty(page.Objects);
        Assert.False(page.IsTruncated);
    }
}
