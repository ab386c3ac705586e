using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace OrleansAis.EndToEnd.Tests.S3;

/// <summary>ListObjectsV2 (and V1) over objects spread across three silos: exact S3 order, prefixes, folders, pages.</summary>
[Collection(S3Collection.Name)]
public sealed class S3ListingTests(ThreeSiloS3Cluster cluster) : IAsyncLifetime
{
    private static readonly string[] Keys =
    [
        "a", "a/1", "a/2", "a/3/deep", "a/3/deeper/x", "b", "b/", "b/x", "c.txt", "c/1", "c/2", "d/e/f",
        .. Enumerable.Range(0, 17).Select(i => $"logs/2024/{i:D2}.log"),
        "z",
    ];

    private readonly string _bucket = S3Collection.NewBucket("list");

    public async Task InitializeAsync()
    {
        using var s3 = cluster.Client();
        await s3.PutBucketAsync(_bucket);
        // Spread the writes over every silo's endpoint; each object lands on its owner anyway.
        await Task.WhenAll(Keys.Select((key, i) => PutAsync(i % cluster.Silos.Count, key)));
    }

    private async Task PutAsync(int silo, string key)
    {
        using var s3 = cluster.Client(silo);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, ContentBody = key });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Every page of a V2 listing, following continuation tokens.</summary>
    private async Task<List<ListObjectsV2Response>> AllPagesAsync(ListObjectsV2Request request, int silo = 0)
    {
        using var s3 = cluster.Client(silo);
        var pages = new List<ListObjectsV2Response>();
        while (true)
        {
            var page = await s3.ListObjectsV2Async(request);
            pages.Add(page);
            if (request.MaxKeys is { } max) Assert.True(page.KeyCount <= max);
            if (page.IsTruncated != true) return pages;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    [Fact]
    public async Task Small_pages_list_every_key_once_in_exact_order()
    {
        var pages = await AllPagesAsync(new ListObjectsV2Request { BucketName = _bucket, MaxKeys = 4 }, silo: 1);
        Assert.Equal(Keys.Order(StringComparer.Ordinal), pages.SelectMany(p => p.S3Objects ?? []).Select(o => o.Key));
        Assert.Equal((Keys.Length + 3) / 4, pages.Count);
        Assert.All(pages.SelectMany(p => p.S3Objects ?? []), o => Assert.Equal(o.Key.Length, o.Size));
    }

    [Fact]
    public async Task A_delimiter_rolls_keys_up_into_common_prefixes()
    {
        var page = (await AllPagesAsync(new ListObjectsV2Request { BucketName = _bucket, Delimiter = "/" }, silo: 2)).Single();
        Assert.Equal(["a", "b", "c.txt", "z"], page.S3Objects.Select(o => o.Key));
        Assert.Equal(["a/", "b/", "c/", "d/", "logs/"], page.CommonPrefixes);

        var folder = (await AllPagesAsync(new ListObjectsV2Request { BucketName = _bucket, Prefix = "a/", Delimiter = "/" })).Single();
        Assert.Equal(["a/1", "a/2"], folder.S3Objects.Select(o => o.Key));
        Assert.Equal(["a/3/"], folder.CommonPrefixes);
    }

    [Fact]
    public async Task Pages_of_two_count_common_prefixes_and_keys_together()
    {
        var pages = await AllPagesAsync(new ListObjectsV2Request { BucketName = _bucket, Delimiter = "/", MaxKeys = 2 });
        var listed = pages.SelectMany(p => (p.S3Objects ?? []).Select(o => o.Key).Concat(p.CommonPrefixes ?? [])).Order(StringComparer.Ordinal);
        Assert.Equal(["a", "a/", "b", "b/", "c.txt", "c/", "d/", "logs/", "z"], listed);
        Assert.Equal(5, pages.Count);
    }

    [Fact]
    public async Task Prefix_and_start_after_narrow_the_listing()
    {
        var logs = await AllPagesAsync(new ListObjectsV2Request { BucketName = _bucket, Prefix = "logs/2024/", StartAfter = "logs/2024/09.log", MaxKeys = 3 });
        Assert.Equal(Enumerable.Range(10, 7).Select(i => $"logs/2024/{i:D2}.log"), logs.SelectMany(p => p.S3Objects ?? []).Select(o => o.Key));
    }

    [Fact]
    public async Task The_original_list_objects_pages_with_markers()
    {
        using var s3 = cluster.Client(1);
        var keys = new List<string>();
        var request = new ListObjectsRequest { BucketName = _bucket, MaxKeys = 7 };
        while (true)
        {
            var page = await s3.ListObjectsAsync(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            if (page.IsTruncated != true) break;
            request.Marker = page.NextMarker;
        }
        Assert.Equal(Keys.Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    public async Task ListObjectVersions_answers_each_object_as_its_one_null_version_in_pages()
    {
        using var s3 = cluster.Client(2);
        var versions = new List<S3ObjectVersion>();
        var request = new ListVersionsRequest { BucketName = _bucket, MaxKeys = 5 };
        var pages = 0;
        while (true)
        {
            var page = await s3.ListVersionsAsync(request);
            pages++;
            versions.AddRange(page.Versions ?? []);
            if (page.IsTruncated != true) break;
            Assert.Equal("null", page.NextVersionIdMarker);
            (request.KeyMarker, request.VersionIdMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
        }
        Assert.Equal(Keys.Order(StringComparer.Ordinal), versions.Select(v => v.Key));
        Assert.Equal((Keys.Length + 4) / 5, pages);
        Assert.All(versions, v => Assert.Equal(("null", true, false), (v.VersionId, v.IsLatest ?? false, v.IsDeleteMarker ?? false)));

        var folders = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = _bucket, Prefix = "a/", Delimiter = "/" });
        Assert.Equal(["a/1", "a/2"], (folders.Versions ?? []).Select(v => v.Key));
        Assert.Equal(["a/3/"], folders.CommonPrefixes ?? []);
        var bad = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.ListVersionsAsync(new ListVersionsRequest
        {
            BucketName = _bucket, KeyMarker = "a", VersionIdMarker = "3HL4kqtJlcpXroDTDmJ",
        }));
        Assert.Equal("InvalidArgument", bad.ErrorCode);
    }

    [Fact]
    public async Task Continuation_tokens_are_echoed_when_empty_and_refused_when_not_ours()
    {
        using (var empty = await cluster.SignedHttp.GetAsync(new Uri(cluster.Endpoint, $"/{_bucket}?list-type=2&max-keys=2&continuation-token=")))
        {
            Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
            var body = await empty.Content.ReadAsStringAsync();
            Assert.Contains("<ContinuationToken></ContinuationToken>", body.Replace("<ContinuationToken />", "<ContinuationToken></ContinuationToken>"));
            Assert.Contains("<Key>a</Key>", body);
        }
        using var s3 = cluster.Client(1);
        foreach (var token in new[] { "a/2", "bm90LW91cnM", "!!!" })
        {
            var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, ContinuationToken = token }));
            Assert.Equal(("InvalidArgument", HttpStatusCode.BadRequest), (refused.ErrorCode, refused.StatusCode));
            Assert.Equal("The continuation token provided is incorrect", refused.Message);
            using var ais = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, $"/v1/buckets/{_bucket}?continuation_token={Uri.EscapeDataString(token)}"));
            Assert.Equal(HttpStatusCode.BadRequest, ais.StatusCode);
            var error = await ais.Content.ReadAsStringAsync();
            Assert.Contains("InvalidArgument", error);
            Assert.Contains("continuation_token", error);
        }
    }
}
