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

        var again = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => second.PutBucketAsync(bucket));
        Assert.Equal(("BucketAlreadyOwnedByYou", HttpStatusCode.Conflict), (again.ErrorCode, again.StatusCode));

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

    [Fact]
    public async Task Invalid_and_missing_buckets_get_their_S3_codes()
    {
        using var s3 = cluster.Client();
        var invalid = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketAsync("-bad-start"));
        Assert.Equal(("InvalidBucketName", HttpStatusCode.BadRequest), (invalid.ErrorCode, invalid.StatusCode));
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "no-such-bucket-here" }));
        Assert.Equal(("NoSuchBucket", HttpStatusCode.NotFound), (missing.ErrorCode, missing.StatusCode));
        var put = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = "no-such-bucket-here", Key = "k", ContentBody = "x" }));
        Assert.Equal("NoSuchBucket", put.ErrorCode);
    }

    [Fact]
    public async Task The_rest_of_the_http_api_is_not_shadowed_by_s3_paths()
    {
        var silo = cluster.Silos[1].HttpUrl;
        using var clusterInfo = await cluster.Http.GetAsync(new Uri(silo, "/v1/cluster"));
        Assert.Equal("application/json", clusterInfo.Content.Headers.ContentType?.MediaType);
        using var metrics = await cluster.Http.GetAsync(new Uri(silo, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        // An unknown /v1 path is the AIS API's 404, not an S3 "bucket v1" answer.
        using var unknown = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Put, new Uri(silo, "/v1/unknown-thing")));
        Assert.False(unknown.Headers.Contains("x-amz-request-id"));
        using var root = await cluster.Http.GetAsync(silo);
        Assert.Equal("application/xml", root.Content.Headers.ContentType?.MediaType); // ListBuckets
    }
}
