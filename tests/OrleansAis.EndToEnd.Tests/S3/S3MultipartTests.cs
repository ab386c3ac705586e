using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using OrleansAis.Tests;

namespace OrleansAis.EndToEnd.Tests.S3;

[Collection(S3Collection.Name)]
public sealed class S3MultipartTests(ThreeSiloS3Cluster cluster)
{
    private const int PartSize = 5 * 1024 * 1024;

    private async Task<string> NewBucketAsync(string purpose)
    {
        var bucket = S3Collection.NewBucket(purpose);
        using var s3 = cluster.Client();
        await s3.PutBucketAsync(bucket);
        return bucket;
    }

    private async Task<PartETag> UploadPartAsync(int silo, string bucket, string key, string uploadId, int number, byte[] data)
    {
        using var s3 = cluster.Client(silo);
        var response = await s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = key, UploadId = uploadId, PartNumber = number, InputStream = new MemoryStream(data),
        });
        return new PartETag(number, response.ETag);
    }

    [Fact]
    public async Task Parts_sent_to_different_silos_complete_into_one_byte_exact_object()
    {
        var bucket = await NewBucketAsync("mpu");
        const string key = "big/model.bin";
        byte[][] parts = [PatternStream.Bytes(PartSize, 1), PatternStream.Bytes(PartSize, 2), PatternStream.Bytes(PartSize + 123, 3), PatternStream.Bytes(777_777, 4)];
        using var s3 = cluster.Client(0);
        var initiate = new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, ContentType = "application/x-model" };
        initiate.Metadata["epoch"] = "7";
        var upload = await s3.InitiateMultipartUploadAsync(initiate);

        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++) etags.Add(await UploadPartAsync(i % cluster.Silos.Count, bucket, key, upload.UploadId, i + 1, parts[i]));

        using (var lister = cluster.Client(2))
        {
            var listed = await lister.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId });
            Assert.Equal([1, 2, 3, 4], listed.Parts.Select(p => p.PartNumber ?? 0));
            Assert.Equal(parts.Select(p => (long)p.Length), listed.Parts.Select(p => p.Size ?? 0));
        }
        Assert.Empty((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []); // nothing visible yet

        using var completer = cluster.Client(1);
        var completed = await completer.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = key, UploadId = upload.UploadId, PartETags = etags,
        });

        var whole = parts.SelectMany(p => p).ToArray();
        using var reader = cluster.Client(2);
        using var got = await reader.GetObjectAsync(bucket, key);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var body = got.ResponseStream)
        {
            var buffer = new byte[1 << 16];
            int read;
            long total = 0;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                total += read;
            }
            Assert.Equal(whole.Length, total);
        }
        Assert.Equal(SHA256.HashData(whole), hash.GetHashAndReset());
        Assert.Equal(completed.ETag, got.ETag);
        Assert.Equal("application/x-model", got.Headers.ContentType);
        Assert.Equal("7", got.Metadata["epoch"]);

        var ended = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId }));
        Assert.Equal(("NoSuchUpload", HttpStatusCode.NotFound), (ended.ErrorCode, ended.StatusCode));
    }

    [Fact]
    public async Task An_aborted_upload_leaves_nothing_behind()
    {
        var bucket = await NewBucketAsync("abort");
        using var s3 = cluster.Client(2);
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "never");
        await UploadPartAsync(0, bucket, "never", upload.UploadId, 1, PatternStream.Bytes(PartSize, 9));
        await UploadPartAsync(1, bucket, "never", upload.UploadId, 2, PatternStream.Bytes(1000, 9));
        var partsFolders = cluster.Silos.Select(s => Path.Combine(s.DataDirectory, "mp", ".tmp", "multipart", upload.UploadId.Split('.')[0])).ToList();
        Assert.Single(partsFolders, Directory.Exists); // the parts sit on one silo, whichever endpoints they were sent to
        await cluster.Client(1).AbortMultipartUploadAsync(bucket, "never", upload.UploadId);
        Assert.DoesNotContain(partsFolders, Directory.Exists);

        Assert.Empty((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "never"));
        Assert.Equal("NoSuchKey", gone.ErrorCode);
        var complete = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "never", UploadId = upload.UploadId, PartETags = [new PartETag(1, "\"0\"")],
        }));
        Assert.Equal("NoSuchUpload", complete.ErrorCode);
        // The bucket is empty again: it can be deleted.
        await s3.DeleteBucketAsync(bucket);
    }

    [Fact]
    public async Task Completion_is_checked_like_S3_and_a_failed_one_changes_nothing()
    {
        var bucket = await NewBucketAsync("check");
        using var s3 = cluster.Client(0);
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "obj");
        var small = await UploadPartAsync(1, bucket, "obj", upload.UploadId, 1, PatternStream.Bytes(1000, 5));
        var last = await UploadPartAsync(2, bucket, "obj", upload.UploadId, 2, PatternStream.Bytes(1000, 6));

        async Task<string> CompleteWith(params PartETag[] etags) => (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "obj", UploadId = upload.UploadId, PartETags = [.. etags] }))).ErrorCode;

        Assert.Equal("EntityTooSmall", await CompleteWith(small, last));
        Assert.Equal("InvalidPart", await CompleteWith(new PartETag(1, "\"0123456789abcdef\"")));
        Assert.Equal("InvalidPart", await CompleteWith(new PartETag(3, last.ETag)));
        Assert.Empty((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);

        // A single small part is a valid (last) part: the upload still completes after the failed attempts.
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "obj", UploadId = upload.UploadId, PartETags = [last] });
        Assert.Equal(1000, (await s3.GetObjectMetadataAsync(bucket, "obj")).ContentLength);
    }

    [Fact]
    public async Task An_unknown_upload_id_is_NoSuchUpload_on_every_silo()
    {
        var bucket = await NewBucketAsync("unknown");
        foreach (var id in new[] { "not-an-upload-id", "0123456789abcdef0123456789abcdef.bm9kZS0x" })
        {
            for (var silo = 0; silo < cluster.Silos.Count; silo++)
            {
                using var s3 = cluster.Client(silo);
                var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
                    s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "k", UploadId = id, PartNumber = 1, InputStream = new MemoryStream([1, 2, 3]) }));
                Assert.Equal(("NoSuchUpload", HttpStatusCode.NotFound), (error.ErrorCode, error.StatusCode));
            }
        }
    }
}
