using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace OrleansAis.EndToEnd.Tests.S3;

[Collection(S3Collection.Name)]
public sealed class S3BucketTests(ThreeSiloS3Cluster cluster)
{
    [Fact]
    public async Task Create_list_head_and_delete_a_bucket_through_different_silos()
    {
        var bucket = S3Collection.NewBucket("life");
        using var first = cluster.Client(0);
        using var second = cluster.Client(1);
        await first.PutBucketAsync(bucket);

        var listed = await second.ListBucketsAsync(new ListBucketsRequest());
        Assert.Contains(listed.Buckets, b => b.BucketName == bucket && b.CreationDate > DateTime.UtcNow.AddMinutes(-5));
        Assert.Equal(HttpStatusCode.OK, (await second.GetBucketLocationAsync(bucket)).HttpStatusCode);
        Assert.True(await Amazon.S3.Util.AmazonS3Util.DoesS3BucketExistV2Async(second, bucket));

        // Re-creating one's own bucket succeeds, as in us-east-1, and changes nothing.
        await first.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "kept", ContentBody = "x" });
        Assert.Equal(HttpStatusCode.OK, (await second.PutBucketAsync(bucket)).HttpStatusCode);
        Assert.Single((await first.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
        await first.DeleteObjectAsync(bucket, "kept");

        await second.DeleteBucketAsync(bucket);
        Assert.False(await Amazon.S3.Util.AmazonS3Util.DoesS3BucketExistV2Async(first, bucket));
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => first.DeleteBucketAsync(bucket));
        Assert.Equal(("NoSuchBucket", HttpStatusCode.NotFound), (gone.ErrorCode, gone.StatusCode));
    }

    [Fact]
    public async Task A_bucket_with_objects_is_not_deleted()
    {
        var bucket = S3Collection.NewBucket("full");
        using var s3 = cluster.Client(2);
        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "keep", ContentBody = "x" });
        var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteBucketAsync(bucket));
        Assert.Equal(("BucketNotEmpty", HttpStatusCode.Conflict), (refused.ErrorCode, refused.StatusCode));
        await s3.DeleteObjectAsync(bucket, "keep");
        await s3.DeleteBucketAsync(bucket);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("192.168.5.123")]
    [InlineData("foo_bar")]
    [InlineData("foo..bar")]
    [InlineData("Bad_Name")]
    [InlineData("UPPER")]
    [InlineData("-bad-start")]
    [InlineData("bad-end-")]
    [InlineData("xn--punycode")]
    [InlineData("alias-s3alias")]
    public async Task Bucket_names_S3_does_not_allow_are_refused_on_create(string name)
    {
        // Raw (signed) requests: an SDK may refuse some of these names before sending them.
        using var invalid = await cluster.SignedHttp.PutAsync(new Uri(cluster.Silos[1].HttpUrl, "/" + Uri.EscapeDataString(name)), null);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var body = await invalid.Content.ReadAsStringAsync();
        Assert.Contains("<Code>InvalidBucketName</Code>", body);
        Assert.Contains("The specified bucket is not valid", body);
        // Nothing was created, whatever the /v1 API's own rules would allow.
        using var head = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(cluster.Endpoint, $"/v1/buckets/{Uri.EscapeDataString(name)}")));
        Assert.NotEqual(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task A_bucket_made_on_the_v1_api_with_a_name_S3_does_not_allow_stays_reachable_over_S3()
    {
        var name = "Legacy_" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await cluster.Http.PutAsync(new Uri(cluster.Endpoint, $"/v1/buckets/{name}"), null))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var s3 = cluster.Client(1);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "k", ContentBody = "x" });
        Assert.Single((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = name })).S3Objects ?? []);
    }

    [Fact]
    public async Task ListBuckets_pages_with_max_buckets_and_continuation_tokens()
    {
        var prefix = "pg" + Guid.NewGuid().ToString("N")[..8] + "-";
        using var s3 = cluster.Client(2);
        var names = Enumerable.Range(0, 5).Select(i => $"{prefix}{i}").ToList();
        foreach (var name in names) await s3.PutBucketAsync(name);
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await s3.ListBucketsAsync(new ListBucketsRequest { MaxBuckets = 2, Prefix = prefix, ContinuationToken = token });
            Assert.InRange(page.Buckets?.Count ?? 0, 1, 2);
            seen.AddRange(page.Buckets!.Select(b => b.BucketName));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);
        Assert.Equal(names, seen);
        Assert.Equal(3, pages);
        var bad = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListBucketsAsync(new ListBucketsRequest { ContinuationToken = "bm90LW91cnM" }));
        Assert.Equal(("InvalidArgument", HttpStatusCode.BadRequest), (bad.ErrorCode, bad.StatusCode));
        foreach (var name in names) await s3.DeleteBucketAsync(name);
    }

    [Fact]
    public async Task Invalid_and_missing_buckets_get_their_S3_codes()
    {
        using var s3 = cluster.Client();
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "no-such-bucket-here" }));
        Assert.Equal(("NoSuchBucket", HttpStatusCode.NotFound), (missing.ErrorCode, missing.StatusCode));
        var put = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = "no-such-bucket-here", Key = "k", ContentBody = "x" }));
        Assert.Equal("NoSuchBucket", put.ErrorCode);
    }

    [Fact]
    public async Task The_rest_of_the_http_api_is_not_shadowed_by_s3_paths()
    {
        var silo = cluster.Silos[1].HttpUrl;
        using var clusterInfo = await cluster.SignedHttp.GetAsync(new Uri(silo, "/v1/cluster"));
        Assert.Equal("application/json", clusterInfo.Content.Headers.ContentType?.MediaType);
        using var metrics = await cluster.SignedHttp.GetAsync(new Uri(silo, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        // An unknown /v1 path is the AIS API's 404, not an S3 "bucket v1" answer.
        using var unknown = await cluster.SignedHttp.SendAsync(new HttpRequestMessage(HttpMethod.Put, new Uri(silo, "/v1/unknown-thing")));
        Assert.False(unknown.Headers.Contains("x-amz-request-id"));
        using var root = await cluster.SignedHttp.GetAsync(silo);
        Assert.Equal("application/xml", root.Content.Headers.ContentType?.MediaType); // ListBuckets
    }
}
