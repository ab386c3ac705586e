using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using OrleansAis.Silo.Http.S3.Auth;

namespace OrleansAis.EndToEnd.Tests.S3;

/// <summary>A silo started with no S3 settings: anonymous requests are refused, and the key pair it generated works.</summary>
public sealed class S3DefaultsTests(DefaultS3Cluster cluster) : IClassFixture<DefaultS3Cluster>
{
    [Fact]
    public async Task Anonymous_writes_and_reads_are_refused_by_default_and_the_generated_key_is_served()
    {
        var silo = cluster.Silos[0];
        // The key the silo generated is kept in its cluster-state folder and announced in its log.
        var file = Path.Combine(silo.ClusterStateDirectory, S3KeyRing.FileName);
        using var kept = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        var (accessKey, secretKey) = (kept.RootElement.GetProperty("access_key").GetString()!, kept.RootElement.GetProperty("secret_key").GetString()!);
        Assert.Contains($"AWS_ACCESS_KEY_ID={accessKey} AWS_SECRET_ACCESS_KEY={secretKey}", silo.Output);

        using var anonymous = cluster.AnonymousClient();
        var createDenied = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => anonymous.PutBucketAsync("anon-bucket"));
        Assert.Equal(("AccessDenied", HttpStatusCode.Forbidden), (createDenied.ErrorCode, createDenied.StatusCode));
        var listDenied = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => anonymous.ListBucketsAsync(new ListBucketsRequest()));
        Assert.Equal("AccessDenied", listDenied.ErrorCode);
        using (var raw = await cluster.Http.PutAsync(new Uri(cluster.Endpoint, "/anon-bucket"), null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, raw.StatusCode);
            Assert.Contains("<Code>AccessDenied</Code>", await raw.Content.ReadAsStringAsync());
        }

        using var signed = new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey),
            new AmazonS3Config { ServiceURL = cluster.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        await signed.PutBucketAsync("signed-only");
        await signed.PutObjectAsync(new PutObjectRequest { BucketName = "signed-only", Key = "k", ContentBody = "v" });
        Assert.Single((await signed.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "signed-only" })).S3Objects ?? []);

        var writeDenied = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            anonymous.PutObjectAsync(new PutObjectRequest { BucketName = "signed-only", Key = "k", ContentBody = "overwritten" }));
        Assert.Equal("AccessDenied", writeDenied.ErrorCode);
        var deleteDenied = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => anonymous.DeleteObjectAsync("signed-only", "k"));
        Assert.Equal("AccessDenied", deleteDenied.ErrorCode);
        var readDenied = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => anonymous.GetObjectAsync("signed-only", "k"));
        Assert.Equal("AccessDenied", readDenied.ErrorCode);
        using var get = await signed.GetObjectAsync("signed-only", "k");
        Assert.Equal("v", await new StreamReader(get.ResponseStream).ReadToEndAsync());
    }
}

/// <summary>A silo with S3:AllowAnonymous=true serves unsigned clients.</summary>
public sealed class S3AnonymousTests(AnonymousS3Cluster cluster) : IClassFixture<AnonymousS3Cluster>
{
    [Fact]
    public async Task Anonymous_clients_work_when_anonymous_access_is_allowed()
    {
        var bucket = S3Collection.NewBucket("anon");
        using var anonymous = cluster.AnonymousClient();
        await anonymous.PutBucketAsync(bucket);
        await anonymous.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "open", ContentBody = "hello" });
        using var got = await anonymous.GetObjectAsync(bucket, "open");
        Assert.Equal("hello", await new StreamReader(got.ResponseStream).ReadToEndAsync());
        Assert.Single((await anonymous.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
        // A wrong signature is still refused: anonymous access does not mean signatures go unchecked.
        using var forged = cluster.Client(secretKey: "not-the-secret");
        Assert.Equal("SignatureDoesNotMatch", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => forged.GetObjectAsync(bucket, "open"))).ErrorCode);
    }
}
