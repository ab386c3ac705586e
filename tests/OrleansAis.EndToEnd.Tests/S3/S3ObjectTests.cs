using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using OrleansAis.Tests;

namespace OrleansAis.EndToEnd.Tests.S3;

[Collection(S3Collection.Name)]
public sealed class S3ObjectTests(ThreeSiloS3Cluster cluster)
{
    private async Task<string> NewBucketAsync(string purpose)
    {
        var bucket = S3Collection.NewBucket(purpose);
        using var s3 = cluster.Client();
        await s3.PutBucketAsync(bucket);
        return bucket;
    }

    private static async Task<byte[]> ReadAllAsync(GetObjectResponse response)
    {
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3 * 1024 * 1024 + 17)]
    public async Task Put_then_get_through_every_silo_is_byte_exact_with_metadata(int size)
    {
        var bucket = await NewBucketAsync("rt");
        var data = PatternStream.Bytes(size, seed: (ulong)size + 7);
        using var writer = cluster.Client(0);
        var put = new PutObjectRequest { BucketName = bucket, Key = "dir/data.bin", InputStream = new MemoryStream(data), ContentType = "application/x-test" };
        put.Metadata["origin"] = "s3-test";
        var stored = await writer.PutObjectAsync(put);

        for (var silo = 0; silo < cluster.Silos.Count; silo++)
        {
            using var reader = cluster.Client(silo);
            using var got = await reader.GetObjectAsync(bucket, "dir/data.bin");
            Assert.Equal(data, await ReadAllAsync(got));
            Assert.Equal("application/x-test", got.Headers.ContentType);
            Assert.Equal("s3-test", got.Metadata["origin"]);
            Assert.Equal(stored.ETag, got.ETag);

            var head = await reader.GetObjectMetadataAsync(bucket, "dir/data.bin");
            Assert.Equal(size, head.ContentLength);
            Assert.Equal(stored.ETag, head.ETag);
            Assert.Equal("s3-test", head.Metadata["origin"]);
        }
    }

    [Fact]
    public async Task Keys_with_spaces_unicode_and_reserved_characters_round_trip()
    {
        var bucket = await NewBucketAsync("names");
        using var s3 = cluster.Client(1);
        string[] keys = ["a b/c+d=e&f", "unicodé/数据/файл.txt", "q?x#y%z", "dots/.hidden", "~tilde*star(paren)'"];
        foreach (var key in keys) await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        foreach (var key in keys)
        {
            using var got = await cluster.Client(2).GetObjectAsync(bucket, key);
            Assert.Equal(key, Encoding.UTF8.GetString(await ReadAllAsync(got)));
        }
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(keys.Order(StringComparer.Ordinal), listed.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task Range_get_returns_206_with_exactly_the_bytes_asked_for()
    {
        var bucket = await NewBucketAsync("range");
        var data = PatternStream.Bytes(100_000, seed: 3);
        using var s3 = cluster.Client(0);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "r", InputStream = new MemoryStream(data) });
        for (var silo = 0; silo < cluster.Silos.Count; silo++)
        {
            using var reader = cluster.Client(silo);
            using var part = await reader.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange(1000, 1999) });
            Assert.Equal(HttpStatusCode.PartialContent, part.HttpStatusCode);
            Assert.Equal("bytes 1000-1999/100000", part.ContentRange);
            Assert.Equal(data[1000..2000], await ReadAllAsync(part));
        }
        using var tail = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange("bytes=-10") });
        Assert.Equal(data[^10..], await ReadAllAsync(tail));
        var beyond = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange(200_000, 200_010) }));
        Assert.Equal(("InvalidRange", HttpStatusCode.RequestedRangeNotSatisfiable), (beyond.ErrorCode, beyond.StatusCode));
    }

    [Fact]
    public async Task Missing_keys_and_bad_keys_get_their_S3_codes()
    {
        var bucket = await NewBucketAsync("codes");
        using var s3 = cluster.Client(1);
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "nothing-here"));
        Assert.Equal(("NoSuchKey", HttpStatusCode.NotFound), (missing.ErrorCode, missing.StatusCode));
        var head = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "nothing-here"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        var tooLong = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = new string('k', 1025), ContentBody = "x" }));
        Assert.Equal(("KeyTooLongError", HttpStatusCode.BadRequest), (tooLong.ErrorCode, tooLong.StatusCode));
        // Deleting a key that does not exist succeeds, as on S3.
        await s3.DeleteObjectAsync(bucket, "nothing-here");
    }

    [Fact]
    public async Task Delete_and_delete_objects_remove_keys_on_their_owners()
    {
        var bucket = await NewBucketAsync("del");
        using var s3 = cluster.Client(0);
        var keys = Enumerable.Range(0, 12).Select(i => $"k{i:D2}").ToList();
        foreach (var key in keys) await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });

        await cluster.Client(2).DeleteObjectAsync(bucket, "k00");
        var result = await cluster.Client(1).DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = [.. keys.Skip(1).Take(8).Append("never-existed").Select(k => new KeyVersion { Key = k })],
        });
        Assert.Equal(keys.Skip(1).Take(8).Append("never-existed").Order(), result.DeletedObjects.Select(d => d.Key).Order());
        Assert.Empty(result.DeleteErrors ?? []);

        var left = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["k09", "k10", "k11"], left.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task A_body_that_fails_its_x_amz_content_sha256_leaves_the_old_object_in_place()
    {
        var bucket = await NewBucketAsync("sha");
        using var s3 = cluster.Client(0);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "old verified value" });
        foreach (var silo in cluster.Silos)
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, new Uri(silo.HttpUrl, $"/{bucket}/doc")) { Content = new ByteArrayContent("tampered"u8.ToArray()) };
            put.Headers.Add("x-amz-content-sha256", Convert.ToHexStringLower(SHA256.HashData("original"u8)));
            using var response = await cluster.SignedHttp.SendAsync(put);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("<Code>XAmzContentSHA256Mismatch</Code>", await response.Content.ReadAsStringAsync());
        }
        using var got = await s3.GetObjectAsync(bucket, "doc");
        Assert.Equal("old verified value", Encoding.UTF8.GetString(await ReadAllAsync(got)));
    }

    public static TheoryData<string> PayloadModes => ["signed chunks with a CRC32 trailer", "signed chunks with a SHA256 trailer", "hex sha256 with a CRC32 header", "hex sha256 with a SHA1 header"];

    /// <summary>The SDK's ways of sending a body (over plain HTTP it signs every chunk), each verified by the silo.</summary>
    [Theory]
    [MemberData(nameof(PayloadModes))]
    public async Task Every_payload_mode_the_sdk_uses_is_decoded_and_verified(string mode)
    {
        var bucket = await NewBucketAsync("modes");
        var data = PatternStream.Bytes(200_000, seed: 11);
        var put = new PutObjectRequest { BucketName = bucket, Key = "m", InputStream = new MemoryStream(data) };
        if (mode.Contains("SHA256")) put.ChecksumAlgorithm = ChecksumAlgorithm.SHA256;
        if (mode.Contains("SHA1")) put.ChecksumAlgorithm = ChecksumAlgorithm.SHA1;
        if (mode.StartsWith("hex")) put.UseChunkEncoding = false;
        using var s3 = cluster.Client(2);
        await s3.PutObjectAsync(put);
        using var got = await cluster.Client(0).GetObjectAsync(bucket, "m");
        Assert.Equal(data, await ReadAllAsync(got));
    }

    [Fact]
    public async Task An_unsigned_trailer_upload_with_a_wrong_checksum_is_not_stored()
    {
        var bucket = await NewBucketAsync("trailer");
        foreach (var (silo, crc) in new[] { (0, "AAAAAA=="), (1, Convert.ToBase64String([0xCB, 0xF4, 0x39, 0x26])) })
        {
            // "123456789" in one aws-chunked chunk; 0xCBF43926 is its CRC-32.
            var body = "9\r\n123456789\r\n0\r\nx-amz-checksum-crc32:" + crc + "\r\n\r\n";
            using var put = new HttpRequestMessage(HttpMethod.Put, new Uri(cluster.Silos[silo].HttpUrl, $"/{bucket}/t")) { Content = new StringContent(body) };
            put.Headers.Add("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
            put.Headers.Add("x-amz-trailer", "x-amz-checksum-crc32");
            put.Headers.Add("x-amz-decoded-content-length", "9");
            put.Content.Headers.ContentEncoding.Add("aws-chunked");
            using var response = await cluster.SignedHttp.SendAsync(put);
            if (crc == "AAAAAA==")
            {
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Contains("<Code>BadDigest</Code>", await response.Content.ReadAsStringAsync());
                using var s3 = cluster.Client();
                Assert.Equal("NoSuchKey", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "t"))).ErrorCode);
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("123456789", await cluster.SignedHttp.GetStringAsync(new Uri(cluster.Silos[2].HttpUrl, $"/{bucket}/t")));
                // The trailer's checksum, which arrived after the data, is the one the object keeps.
                using var head = new HttpRequestMessage(HttpMethod.Head, new Uri(cluster.Silos[2].HttpUrl, $"/{bucket}/t"));
                head.Headers.Add("x-amz-checksum-mode", "ENABLED");
                using var answered = await cluster.SignedHttp.SendAsync(head);
                Assert.Equal(crc, answered.Headers.GetValues("x-amz-checksum-crc32").Single());
            }
        }
    }

    [Fact]
    public async Task Presigned_urls_work_for_get_and_put()
    {
        var bucket = await NewBucketAsync("presign");
        using var s3 = cluster.Client(1);
        var putUrl = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = "p/q r", Verb = HttpVerb.PUT, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
        });
        using (var put = await cluster.SignedHttp.PutAsync(putUrl, new ByteArrayContent("presigned body"u8.ToArray())))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var getUrl = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = "p/q r", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
        });
        Assert.Equal("presigned body", await cluster.SignedHttp.GetStringAsync(getUrl));
        using var tampered = await cluster.SignedHttp.GetAsync(getUrl.Replace("p/q", "p/Q"));
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
    }

    [Fact]
    public async Task A_wrong_secret_or_an_unknown_key_is_refused_with_the_S3_code()
    {
        using var wrongSecret = cluster.Client(0, secretKey: "not-the-secret");
        var mismatch = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => wrongSecret.ListBucketsAsync(new ListBucketsRequest()));
        Assert.Equal(("SignatureDoesNotMatch", HttpStatusCode.Forbidden), (mismatch.ErrorCode, mismatch.StatusCode));
        var put = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            wrongSecret.PutObjectAsync(new PutObjectRequest { BucketName = "any", Key = "k", ContentBody = "x" }));
        Assert.Equal("SignatureDoesNotMatch", put.ErrorCode);

        using var unknown = cluster.Client(1, accessKey: "NOSUCHACCESSKEY");
        var denied = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => unknown.ListBucketsAsync(new ListBucketsRequest()));
        Assert.Equal(("InvalidAccessKeyId", HttpStatusCode.Forbidden), (denied.ErrorCode, denied.StatusCode));
    }
}
