using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using OrleansAis.Tests;

namespace OrleansAis.EndToEnd.Tests.S3;

/// <summary>If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since on both APIs, answered as S3 answers them.</summary>
[Collection(S3Collection.Name)]
public sealed class S3ConditionalTests(ThreeSiloS3Cluster cluster)
{
    private async Task<string> NewBucketAsync(string purpose)
    {
        var bucket = S3Collection.NewBucket(purpose);
        using var s3 = cluster.Client();
        await s3.PutBucketAsync(bucket);
        return bucket;
    }

    private async Task<string> PutAsync(string bucket, string key, byte[] data, int silo = 0)
    {
        using var s3 = cluster.Client(silo);
        return (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(data) })).ETag;
    }

    /// <summary>An unsigned request (the cluster allows anonymous access) to silo <paramref name="silo"/>, with extra headers.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, int silo, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, new Uri(cluster.Silos[silo].HttpUrl, path));
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return await cluster.SignedHttp.SendAsync(request);
    }

    private static string Date(DateTimeOffset time) => time.ToString("R");

    [Fact]
    public async Task Get_and_head_answer_304_or_412_through_every_silo()
    {
        var bucket = await NewBucketAsync("cond-get");
        var etag = await PutAsync(bucket, "k", Encoding.UTF8.GetBytes("hello"));
        using var s3 = cluster.Client();
        var modified = (await s3.GetObjectMetadataAsync(bucket, "k")).LastModified!.Value;
        var path = $"/{bucket}/k";

        for (var silo = 0; silo < cluster.Silos.Count; silo++)
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
            {
                async Task Expect(HttpStatusCode status, params (string, string)[] headers)
                {
                    using var response = await SendAsync(method, silo, path, headers);
                    var body = await response.Content.ReadAsStringAsync();
                    Assert.True(status == response.StatusCode, $"{method} via silo {silo} with {string.Join(", ", headers)}: {(int)response.StatusCode} {body}");
                    if (status == HttpStatusCode.NotModified) Assert.Equal(etag, response.Headers.ETag!.Tag);
                    if (status == HttpStatusCode.PreconditionFailed && method == HttpMethod.Get) Assert.Contains("<Code>PreconditionFailed</Code>", body);
                    if (status == HttpStatusCode.OK && method == HttpMethod.Get) Assert.Equal("hello", body);
                }
                await Expect(HttpStatusCode.OK, ("If-Match", etag));
                await Expect(HttpStatusCode.OK, ("If-Match", "*"));
                await Expect(HttpStatusCode.PreconditionFailed, ("If-Match", "\"0123\""));
                await Expect(HttpStatusCode.NotModified, ("If-None-Match", etag));
                await Expect(HttpStatusCode.NotModified, ("If-None-Match", "*"));
                await Expect(HttpStatusCode.OK, ("If-None-Match", "\"0123\""));
                await Expect(HttpStatusCode.NotModified, ("If-Modified-Since", Date(modified.AddMinutes(1))));
                await Expect(HttpStatusCode.OK, ("If-Modified-Since", Date(modified.AddMinutes(-1))));
                await Expect(HttpStatusCode.PreconditionFailed, ("If-Unmodified-Since", Date(modified.AddMinutes(-1))));
                await Expect(HttpStatusCode.OK, ("If-Unmodified-Since", Date(modified.AddMinutes(1))));
                await Expect(HttpStatusCode.OK, ("If-Match", etag), ("If-Unmodified-Since", Date(modified.AddMinutes(-1))));
                await Expect(HttpStatusCode.NotModified, ("If-None-Match", etag), ("If-Modified-Since", Date(modified.AddMinutes(-1))));
            }
        }

        // The AWS SDK's own conditional GETs.
        var notModified = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", EtagToNotMatch = etag }));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        var failed = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", EtagToMatch = "\"0123\"" }));
        Assert.Equal("PreconditionFailed", failed.ErrorCode);
        using var got = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", EtagToMatch = etag });
        Assert.Equal(etag, got.ETag);
    }

    [Fact]
    public async Task Of_eight_concurrent_create_only_puts_exactly_one_wins()
    {
        var bucket = await NewBucketAsync("cond-race");
        var writers = Enumerable.Range(0, 8).Select(async i =>
        {
            using var s3 = cluster.Client(i % cluster.Silos.Count);
            try
            {
                var put = await s3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = bucket, Key = "once", IfNoneMatch = "*", InputStream = new MemoryStream(PatternStream.Bytes(200_000 + i, (ulong)i)),
                });
                return (Writer: i, ETag: put.ETag, Error: (string?)null);
            }
            catch (AmazonS3Exception e)
            {
                Assert.Equal(HttpStatusCode.PreconditionFailed, e.StatusCode);
                return (Writer: i, ETag: (string?)null, Error: e.ErrorCode);
            }
        }).ToList();
        var outcomes = await Task.WhenAll(writers);

        var winner = Assert.Single(outcomes, o => o.Error is null);
        Assert.All(outcomes.Where(o => o.Error is not null), o => Assert.Equal("PreconditionFailed", o.Error));
        using var reader = cluster.Client(2);
        using var got = await reader.GetObjectAsync(bucket, "once");
        Assert.Equal(winner.ETag, got.ETag);
        Assert.Equal(200_000 + winner.Writer, got.ContentLength);
    }

    [Fact]
    public async Task Puts_deletes_and_multi_deletes_with_if_match_change_only_the_object_they_name()
    {
        var bucket = await NewBucketAsync("cond-write");
        var first = await PutAsync(bucket, "k", [1]);
        using var s3 = cluster.Client(1);

        var second = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", IfMatch = first, InputStream = new MemoryStream([2]) })).ETag;
        var stale = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", IfMatch = first, InputStream = new MemoryStream([3]) }));
        Assert.Equal("PreconditionFailed", stale.ErrorCode);
        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "none", IfMatch = first, InputStream = new MemoryStream([3]) }));
        Assert.Equal("NoSuchKey", missing.ErrorCode);
        var exists = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", IfNoneMatch = "*", InputStream = new MemoryStream([4]) }));
        Assert.Equal("PreconditionFailed", exists.ErrorCode);
        Assert.Equal(second, (await s3.GetObjectMetadataAsync(bucket, "k")).ETag);

        using (var delete = await SendAsync(HttpMethod.Delete, 2, $"/{bucket}/k", ("If-Match", first)))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, delete.StatusCode);
            Assert.Contains("PreconditionFailed", await delete.Content.ReadAsStringAsync());
        }
        Assert.Equal(second, (await s3.GetObjectMetadataAsync(bucket, "k")).ETag);
        using (var delete = await SendAsync(HttpMethod.Delete, 2, $"/{bucket}/k", ("If-Match", second)))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "k"));

        // DeleteObjects: an entry's <ETag> is its If-Match.
        var a = await PutAsync(bucket, "a", [5]);
        await PutAsync(bucket, "b", [6]);
        var xml = $"<Delete><Object><Key>a</Key><ETag>{a}</ETag></Object><Object><Key>b</Key><ETag>\"0123\"</ETag></Object></Delete>";
        using var multi = await cluster.SignedHttp.PostAsync(new Uri(cluster.Silos[0].HttpUrl, $"/{bucket}?delete"), new StringContent(xml, Encoding.UTF8, "application/xml"));
        var result = await multi.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, multi.StatusCode);
        Assert.Contains("<Deleted><Key>a</Key></Deleted>", result);
        Assert.Contains("<Error><Key>b</Key><Code>PreconditionFailed</Code>", result);
        var left = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["b"], left.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task Complete_multipart_upload_honours_if_none_match_and_if_match()
    {
        var bucket = await NewBucketAsync("cond-mpu");
        var existing = await PutAsync(bucket, "k", [1, 2, 3]);
        using var s3 = cluster.Client(2);
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "k");
        var part = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "k", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream([9]) });
        CompleteMultipartUploadRequest Complete() => new() { BucketName = bucket, Key = "k", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)] };

        var createOnly = Complete();
        createOnly.IfNoneMatch = "*";
        Assert.Equal("PreconditionFailed", (await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(createOnly))).ErrorCode);
        var wrong = Complete();
        wrong.IfMatch = "\"0123\"";
        Assert.Equal("PreconditionFailed", (await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(wrong))).ErrorCode);
        Assert.Equal(existing, (await s3.GetObjectMetadataAsync(bucket, "k")).ETag); // unchanged, and the upload is still there

        var right = Complete();
        right.IfMatch = existing;
        var done = await s3.CompleteMultipartUploadAsync(right);
        Assert.Equal(done.ETag, (await s3.GetObjectMetadataAsync(bucket, "k")).ETag);
    }

    [Fact]
    public async Task The_ais_api_takes_the_same_headers()
    {
        var bucket = await NewBucketAsync("cond-ais");
        var path = $"/v1/objects/{bucket}/x?proxy=true";
        using (var put = await cluster.SignedHttp.PutAsync(new Uri(cluster.Endpoint, path), new ByteArrayContent([1, 2])))
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        using var head = await SendAsync(HttpMethod.Head, 1, path);
        var etag = head.Headers.ETag!.Tag;

        for (var silo = 0; silo < cluster.Silos.Count; silo++)
        {
            using (var get = await SendAsync(HttpMethod.Get, silo, path, ("If-None-Match", etag))) Assert.Equal(HttpStatusCode.NotModified, get.StatusCode);
            using (var get = await SendAsync(HttpMethod.Get, silo, path, ("If-Match", "\"0123\"")))
            {
                Assert.Equal(HttpStatusCode.PreconditionFailed, get.StatusCode);
                Assert.Contains("\"code\":\"PreconditionFailed\"", await get.Content.ReadAsStringAsync());
            }
            using (var get = await SendAsync(HttpMethod.Get, silo, path, ("If-Match", etag))) Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        var createOnly = new HttpRequestMessage(HttpMethod.Put, new Uri(cluster.Silos[2].HttpUrl, path)) { Content = new ByteArrayContent([3]) };
        createOnly.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        using (var put = await cluster.SignedHttp.SendAsync(createOnly))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, put.StatusCode);
            Assert.Contains("If-None-Match: *", await put.Content.ReadAsStringAsync());
        }
        using (var delete = await SendAsync(HttpMethod.Delete, 1, path, ("If-Match", "\"0123\""))) Assert.Equal(HttpStatusCode.PreconditionFailed, delete.StatusCode);
        using (var get = await SendAsync(HttpMethod.Get, 0, path, ("If-Match", etag))) Assert.Equal(new byte[] { 1, 2 }, await get.Content.ReadAsByteArrayAsync());
        using (var delete = await SendAsync(HttpMethod.Delete, 1, path, ("If-Match", etag))) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }
}

/// <summary>The same semantics through boto3, the Python SDK.</summary>
[Collection(S3Collection.Name)]
public sealed class S3Boto3Tests(ThreeSiloS3Cluster cluster)
{
    [S3ToolFact(S3Tools.Boto3)]
    public async Task Boto3_create_only_puts_copies_and_etags_behave_as_on_s3()
    {
        S3Tools.EnsureAvailable(S3Tools.Boto3);
        var bucket = S3Collection.NewBucket("boto3");
        const string script = """
            import hashlib
            from botocore.exceptions import ClientError
            bucket = args[0]
            s3.create_bucket(Bucket=bucket)
            body = b"boto3 body " * 1000
            put = s3.put_object(Bucket=bucket, Key="k", Body=body, IfNoneMatch="*")
            assert put["ETag"] == '"%s"' % hashlib.md5(body).hexdigest(), put["ETag"]
            try:
                s3.put_object(Bucket=bucket, Key="k", Body=b"other", IfNoneMatch="*")
                raise SystemExit("the second create-only put succeeded")
            except ClientError as e:
                assert e.response["Error"]["Code"] == "PreconditionFailed", e.response
            copied = s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "k"},
                                    MetadataDirective="REPLACE", Metadata={"via": "boto3"}, ContentType="text/x-boto")
            assert copied["CopyObjectResult"]["ETag"] == put["ETag"], copied
            head = s3.head_object(Bucket=bucket, Key="copy", IfMatch=put["ETag"])
            assert head["Metadata"] == {"via": "boto3"} and head["ContentType"] == "text/x-boto", head
            try:
                s3.get_object(Bucket=bucket, Key="copy", IfNoneMatch=put["ETag"])
                raise SystemExit("a GET with the current ETag in If-None-Match returned the body")
            except ClientError as e:
                assert e.response["Error"]["Code"] == "304", e.response
            assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == body
            print("ok")
            """;
        for (var silo = 0; silo < cluster.Silos.Count; silo++)
        {
            var (code, output) = await S3Tools.RunBoto3Async(cluster.Silos[silo].HttpUrl, script, $"{bucket}-{silo}");
            Assert.True(code == 0 && output.Contains("ok"), output);
        }
    }
}
