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

/// <summary>A silo whose S3 settings were changed from the defaults (<see cref="ConfiguredS3Cluster"/>).</summary>
public sealed class S3ConfiguredTests(ConfiguredS3Cluster cluster) : IClassFixture<ConfiguredS3Cluster>
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
        // S3 honours response-* overrides on signed requests only.
        using var overridden = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, $"/{bucket}/open?response-content-type=text/html"));
        Assert.Equal(HttpStatusCode.BadRequest, overridden.StatusCode);
        Assert.Contains("Request specific response headers cannot be used for anonymous GET requests", await overridden.Content.ReadAsStringAsync());
        using var signed = cluster.Client();
        using var html = await signed.GetObjectAsync(new GetObjectRequest
        {
            BucketName = bucket, Key = "open", ResponseHeaderOverrides = new ResponseHeaderOverrides { ContentType = "text/html" },
        });
        Assert.Equal("text/html", html.Headers.ContentType);
    }

    [Fact]
    public async Task Virtual_hosted_requests_under_S3_Domain_address_the_bucket_in_the_host()
    {
        var bucket = S3Collection.NewBucket("vhost");
        using var s3 = cluster.Client();
        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "dir/k", ContentBody = "virtual" });
        var port = cluster.Silos[0].HttpPort;
        HttpRequestMessage At(string path, HttpMethod? method = null) => new(method ?? HttpMethod.Get, new Uri(cluster.Endpoint, path))
        {
            Headers = { Host = $"{bucket}.{ConfiguredS3Cluster.Domain}:{port}" },
        };
        using (var get = await cluster.SignedHttp.SendAsync(At("/dir/k"))) Assert.Equal("virtual", await get.Content.ReadAsStringAsync());
        using (var list = await cluster.SignedHttp.SendAsync(At("/?list-type=2")))
        {
            var body = await list.Content.ReadAsStringAsync();
            Assert.Contains($"<Name>{bucket}</Name>", body);
            Assert.Contains("<Key>dir/k</Key>", body);
        }
        using (var put = At("/new", HttpMethod.Put))
        {
            put.Content = new StringContent("written virtually");
            using var response = await cluster.SignedHttp.SendAsync(put);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using var back = await s3.GetObjectAsync(bucket, "new");
        Assert.Equal("written virtually", await new StreamReader(back.ResponseStream).ReadToEndAsync());
        // The domain itself, and any other host, stay path-style.
        var plain = new HttpRequestMessage(HttpMethod.Get, new Uri(cluster.Endpoint, $"/{bucket}/dir/k")) { Headers = { Host = $"{ConfiguredS3Cluster.Domain}:{port}" } };
        using (var response = await cluster.SignedHttp.SendAsync(plain)) Assert.Equal("virtual", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_abandoned_multipart_upload_is_aborted_after_S3_Multipart_AbandonAfter()
    {
        var bucket = S3Collection.NewBucket("abandon");
        using var s3 = cluster.Client();
        await s3.PutBucketAsync(bucket);
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "left/behind");
        await s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "left/behind", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[1000]),
        });
        Assert.Single((await s3.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
        await OrleansAis.Testing.Waiting.WaitUntil(async () => ((await s3.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []).Count == 0,
            ConfiguredS3Cluster.AbandonAfter + TimeSpan.FromSeconds(30), () => $"upload {upload.UploadId} was still listed");
        var gone = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "left/behind", UploadId = upload.UploadId, PartNumber = 2, InputStream = new MemoryStream([1]),
        }));
        Assert.Equal("NoSuchUpload", gone.ErrorCode);
        Assert.Contains("Aborted 1 multipart uploads", cluster.Silos[0].Output);
    }
}
