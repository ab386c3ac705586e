using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace OrleansAis.EndToEnd.Tests.S3;

/// <summary>A silo with S3:AllowAnonymous=false.</summary>
public sealed class S3SignedOnlyTests(SignedOnlyS3Cluster cluster) : IClassFixture<SignedOnlyS3Cluster>
{
    [Fact]
    public async Task Unsigned_requests_are_denied_and_signed_ones_served()
    {
        using var anonymous = cluster.AnonymousClient();
        var denied = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => anonymous.ListBucketsAsync(new ListBucketsRequest()));
        Assert.Equal(("AccessDenied", HttpStatusCode.Forbidden), (denied.ErrorCode, denied.StatusCode));
        using var raw = await cluster.Http.GetAsync(cluster.Endpoint);
        Assert.Equal(HttpStatusCode.Forbidden, raw.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await raw.Content.ReadAsStringAsync());

        using var signed = cluster.Client();
        await signed.PutBucketAsync("signed-only");
        await signed.PutObjectAsync(new PutObjectRequest { BucketName = "signed-only", Key = "k", ContentBody = "v" });
        Assert.Single((await signed.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "signed-only" })).S3Objects ?? []);
        var readDenied = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => anonymous.GetObjectAsync("signed-only", "k"));
        Assert.Equal("AccessDenied", readDenied.ErrorCode);
    }
}
