using System.Security.Cryptography;
using Amazon.S3.Model;
using OrleansAis.Tests;

namespace OrleansAis.EndToEnd.Tests.S3;

/// <summary>ETags are S3's: the MD5 of a single-part object, MD5-of-part-MD5s "-N" of a multipart one.</summary>
[Collection(S3Collection.Name)]
public sealed class S3ETagTests(ThreeSiloS3Cluster cluster)
{
    private const int PartSize = 5 * 1024 * 1024;

    private static string Quoted(string hex) => $"\"{hex}\"";

    private static string Md5Hex(byte[] data) => Convert.ToHexStringLower(MD5.HashData(data));

    /// <summary>S3's multipart ETag: the MD5 of the parts' binary MD5s, then "-" and the number of parts.</summary>
    private static string MultipartETag(IReadOnlyList<byte[]> parts) =>
        $"{Convert.ToHexStringLower(MD5.HashData(parts.SelectMany(p => MD5.HashData(p)).ToArray()))}-{parts.Count}";

    private async Task<string> NewBucketAsync(string purpose)
    {
        var bucket = S3Collection.NewBucket(purpose);
        using var s3 = cluster.Client();
        await s3.PutBucketAsync(bucket);
        return bucket;
    }

    [Fact]
    public async Task A_single_part_etag_is_the_md5_of_the_bytes_everywhere()
    {
        var bucket = await NewBucketAsync("etag");
        var data = PatternStream.Bytes(1_234_567, 9);
        var md5 = Quoted(Md5Hex(data));
        using var s3 = cluster.Client(0);
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a/b.bin", InputStream = new MemoryStream(data) });
        Assert.Equal(md5, put.ETag);

        for (var silo = 0; silo < cluster.Silos.Count; silo++)
        {
            using var reader = cluster.Client(silo);
            Assert.Equal(md5, (await reader.GetObjectMetadataAsync(bucket, "a/b.bin")).ETag);
            using (var got = await reader.GetObjectAsync(bucket, "a/b.bin")) Assert.Equal(md5, got.ETag);
            var listed = await reader.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
            Assert.Equal(md5, listed.S3Objects.Single().ETag);
        }
        // The AIS-style API shows the same entity tag (its xxhash64 checksum keeps its own headers).
        using var head = await cluster.SignedHttp.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(cluster.Endpoint, $"/v1/objects/{bucket}/a/b.bin?proxy=true")));
        Assert.Equal(md5, head.Headers.ETag!.Tag);
        Assert.Equal(Quoted(Md5Hex([])), (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "empty", InputStream = new MemoryStream() })).ETag);
    }

    [Fact]
    public async Task A_multipart_etag_is_the_md5_of_the_part_md5s_and_the_part_count()
    {
        var bucket = await NewBucketAsync("etag-mp");
        byte[][] parts = [PatternStream.Bytes(PartSize, 11), PatternStream.Bytes(PartSize + 5, 12), PatternStream.Bytes(4321, 13)];
        using var s3 = cluster.Client(1);
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "big");
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = "big", UploadId = upload.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(parts[i]),
            });
            Assert.Equal(Quoted(Md5Hex(parts[i])), part.ETag);
            etags.Add(new PartETag(i + 1, part.ETag));
        }
        var completed = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "big", UploadId = upload.UploadId, PartETags = etags,
        });

        var expected = Quoted(MultipartETag(parts));
        Assert.Equal(expected, completed.ETag);
        for (var silo = 0; silo < cluster.Silos.Count; silo++)
        {
            using var reader = cluster.Client(silo);
            Assert.Equal(expected, (await reader.GetObjectMetadataAsync(bucket, "big")).ETag);
            Assert.Equal(expected, (await reader.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects.Single().ETag);
        }
    }

    [S3ToolFact(S3Tools.AwsCli)]
    public async Task The_aws_cli_multipart_upload_gets_the_etag_s3_would_give()
    {
        S3Tools.EnsureAvailable(S3Tools.AwsCli);
        var bucket = await NewBucketAsync("etag-cli");
        const int chunk = 8 << 20; // the CLI's default multipart threshold and chunk size
        var file = Path.Combine(cluster.Root, $"cli-{Guid.NewGuid():N}.bin");
        var data = PatternStream.Bytes(2 * chunk + 1000, 21);
        await File.WriteAllBytesAsync(file, data);
        var (code, output) = await S3Tools.RunAwsAsync(cluster.Silos[2].HttpUrl, "s3", "cp", file, $"s3://{bucket}/cli.bin");
        Assert.True(code == 0, output);

        using var s3 = cluster.Client(0);
        var head = await s3.GetObjectMetadataAsync(bucket, "cli.bin");
        Assert.Equal(Quoted(MultipartETag([data[..chunk], data[chunk..(2 * chunk)], data[(2 * chunk)..]])), head.ETag);
        var small = file + ".small";
        await File.WriteAllBytesAsync(small, data[..1000]);
        (code, output) = await S3Tools.RunAwsAsync(cluster.Silos[0].HttpUrl, "s3", "cp", small, $"s3://{bucket}/small.bin");
        Assert.True(code == 0, output);
        Assert.Equal(Quoted(Md5Hex(data[..1000])), (await s3.GetObjectMetadataAsync(bucket, "small.bin")).ETag);
    }

    [S3ToolFact(S3Tools.S3cmd)]
    public async Task An_s3cmd_multipart_put_of_40_MB_succeeds_and_its_md5_check_passes()
    {
        S3Tools.EnsureAvailable(S3Tools.S3cmd);
        var bucket = await NewBucketAsync("etag-s3cmd");
        var file = Path.Combine(cluster.Root, $"s3cmd-{Guid.NewGuid():N}.bin");
        await using (var target = File.Create(file)) await new PatternStream(40_000_000, 22).CopyToAsync(target);
        var (code, output) = await S3Tools.RunS3cmdAsync(cluster.Silos[1].HttpUrl, "put", "--multipart-chunk-size-mb=5", file, $"s3://{bucket}/big.bin");
        Assert.True(code == 0, output);
        Assert.DoesNotContain("MD5 Sums don't match", output);
        var back = file + ".back";
        (code, output) = await S3Tools.RunS3cmdAsync(cluster.Silos[0].HttpUrl, "get", $"s3://{bucket}/big.bin", back);
        Assert.True(code == 0, output);
        Assert.Equal(MD5.HashData(File.ReadAllBytes(file)), MD5.HashData(File.ReadAllBytes(back)));
    }

    [S3ToolFact(S3Tools.Rclone)]
    public async Task Rclone_check_passes_after_rclone_copy_to_and_between_buckets()
    {
        S3Tools.EnsureAvailable(S3Tools.Rclone);
        var folder = Path.Combine(cluster.Root, $"rclone-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        await File.WriteAllBytesAsync(Path.Combine(folder, "small.bin"), PatternStream.Bytes(100_000, 5));
        await File.WriteAllTextAsync(Path.Combine(folder, "sub", "note.txt"), "hello");
        // Above the 5 MiB cutoff below: a multipart upload, whose ETag is not an MD5 (rclone checks it by its own metadata).
        await using (var big = File.Create(Path.Combine(folder, "big.bin"))) await new PatternStream(12_000_000, 6).CopyToAsync(big);
        var (a, b) = (S3Collection.NewBucket("rclone-a"), S3Collection.NewBucket("rclone-b"));

        var (code, output) = await S3Tools.RunRcloneAsync(cluster.Silos[1].HttpUrl, "copy", folder, $"oais:{a}", "--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M");
        Assert.True(code == 0, output);
        (code, output) = await S3Tools.RunRcloneAsync(cluster.Silos[2].HttpUrl, "check", folder, $"oais:{a}");
        Assert.True(code == 0, output);
        Assert.Contains("0 differences found", output);
        Assert.Contains("3 matching files", output);
        Assert.DoesNotContain("hashes could not be checked", output);

        // Bucket to bucket: rclone copies server-side (CopyObject), then compares the MD5 ETags.
        (code, output) = await S3Tools.RunRcloneAsync(cluster.Silos[0].HttpUrl, "copy", $"oais:{a}", $"oais:{b}");
        Assert.True(code == 0, output);
        (code, output) = await S3Tools.RunRcloneAsync(cluster.Silos[0].HttpUrl, "check", $"oais:{a}", $"oais:{b}");
        Assert.True(code == 0, output);
        Assert.Contains("0 differences found", output);

        // A changed object is a difference: check can fail.
        using var s3 = cluster.Client();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = b, Key = "sub/note.txt", ContentBody = "changed" });
        (code, output) = await S3Tools.RunRcloneAsync(cluster.Silos[0].HttpUrl, "check", $"oais:{a}", $"oais:{b}");
        Assert.NotEqual(0, code);
        Assert.Contains("1 differences found", output);
    }
}
