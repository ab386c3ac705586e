using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using OrleansAis.Http.Contracts;
using OrleansAis.Tests;

namespace OrleansAis.EndToEnd.Tests.S3;

/// <summary>CopyObject and UploadPartCopy with the AWS SDK and the AWS CLI, and the AIS copy action, on three silos.</summary>
[Collection(S3Collection.Name)]
public sealed class S3CopyTests(ThreeSiloS3Cluster cluster)
{
    private async Task<string> NewBucketAsync(string purpose)
    {
        var bucket = S3Collection.NewBucket(purpose);
        using var s3 = cluster.Client();
        await s3.PutBucketAsync(bucket);
        return bucket;
    }

    private static async Task<byte[]> ReadAllAsync(AmazonS3Client s3, string bucket, string key)
    {
        using var got = await s3.GetObjectAsync(bucket, key);
        using var buffer = new MemoryStream();
        await got.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static string Md5ETag(byte[] data) => $"\"{Convert.ToHexStringLower(MD5.HashData(data))}\"";

    [Fact]
    public async Task Copy_object_within_and_across_buckets_keeps_or_replaces_metadata()
    {
        var from = await NewBucketAsync("cp-src");
        var to = await NewBucketAsync("cp-dst");
        using var s3 = cluster.Client(0);
        var data = PatternStream.Bytes(2_000_000, 31);
        var put = new PutObjectRequest { BucketName = from, Key = "src", InputStream = new MemoryStream(data), ContentType = "text/x-source" };
        put.Metadata["origin"] = "first";
        await s3.PutObjectAsync(put);

        // Many destination keys, so that sources and destinations land on different owners and every silo is asked.
        for (var i = 0; i < 6; i++)
        {
            using var client = cluster.Client(i % cluster.Silos.Count);
            var sameBucket = await client.CopyObjectAsync(new CopyObjectRequest { SourceBucket = from, SourceKey = "src", DestinationBucket = from, DestinationKey = $"copy-{i}" });
            Assert.Equal(Md5ETag(data), sameBucket.ETag);
            var head = await s3.GetObjectMetadataAsync(from, $"copy-{i}");
            Assert.Equal("text/x-source", head.Headers.ContentType);
            Assert.Equal("first", head.Metadata["origin"]);
            Assert.Equal(data, await ReadAllAsync(s3, from, $"copy-{i}"));

            var replace = new CopyObjectRequest
            {
                SourceBucket = from, SourceKey = "src", DestinationBucket = to, DestinationKey = $"dir/other-{i}",
                MetadataDirective = S3MetadataDirective.REPLACE, ContentType = "text/x-replaced",
            };
            replace.Metadata["origin"] = "replaced";
            var across = await client.CopyObjectAsync(replace);
            Assert.Equal(Md5ETag(data), across.ETag);
            var replaced = await s3.GetObjectMetadataAsync(to, $"dir/other-{i}");
            Assert.Equal("text/x-replaced", replaced.Headers.ContentType);
            Assert.Equal("replaced", replaced.Metadata["origin"]);
            Assert.Equal(data, await ReadAllAsync(s3, to, $"dir/other-{i}"));
        }
    }

    [Fact]
    public async Task Copying_an_object_onto_itself_needs_replace_and_then_changes_only_its_metadata()
    {
        var bucket = await NewBucketAsync("cp-self");
        using var s3 = cluster.Client(1);
        var data = Encoding.UTF8.GetBytes("same bytes");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(data), ContentType = "text/plain" });

        var illegal = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "k", DestinationBucket = bucket, DestinationKey = "k" }));
        Assert.Equal(HttpStatusCode.BadRequest, illegal.StatusCode);
        Assert.Equal("InvalidRequest", illegal.ErrorCode);

        var replace = new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "k", DestinationBucket = bucket, DestinationKey = "k",
            MetadataDirective = S3MetadataDirective.REPLACE, ContentType = "application/json",
        };
        replace.Metadata["fresh"] = "yes";
        await s3.CopyObjectAsync(replace);
        var head = await s3.GetObjectMetadataAsync(bucket, "k");
        Assert.Equal("application/json", head.Headers.ContentType);
        Assert.Equal("yes", head.Metadata["fresh"]);
        Assert.Equal(data, await ReadAllAsync(s3, bucket, "k"));
    }

    [Fact]
    public async Task Copy_source_conditions_encoded_keys_and_missing_sources()
    {
        var bucket = await NewBucketAsync("cp-cond");
        using var s3 = cluster.Client(2);
        const string key = "dir/a key with spaces & ünïcode+plus.txt";
        var etag = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "conditional" })).ETag;
        var modified = (await s3.GetObjectMetadataAsync(bucket, key)).LastModified!.Value;
        CopyObjectRequest Copy(string to) => new() { SourceBucket = bucket, SourceKey = key, DestinationBucket = bucket, DestinationKey = to };

        async Task<string> Fails(CopyObjectRequest request) => (await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(request))).ErrorCode;
        var r = Copy("x1"); r.ETagToMatch = "\"0123\"";
        Assert.Equal("PreconditionFailed", await Fails(r));
        r = Copy("x2"); r.ETagToNotMatch = etag;
        Assert.Equal("PreconditionFailed", await Fails(r));
        r = Copy("x3"); r.ModifiedSinceDate = modified.AddMinutes(5);
        Assert.Equal("PreconditionFailed", await Fails(r));
        r = Copy("x4"); r.UnmodifiedSinceDate = modified.AddMinutes(-5);
        Assert.Equal("PreconditionFailed", await Fails(r));
        Assert.Equal(0, (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "x" })).KeyCount ?? 0);

        r = Copy("ok1"); r.ETagToMatch = etag; r.UnmodifiedSinceDate = modified.AddMinutes(5);
        await s3.CopyObjectAsync(r);
        r = Copy("ok2"); r.SourceVersionId = "null"; // ?versionId=null: the one version an unversioned object has
        await s3.CopyObjectAsync(r);
        Assert.Equal("conditional", Encoding.UTF8.GetString(await ReadAllAsync(s3, bucket, "ok2")));

        r = Copy("never"); r.SourceKey = "missing";
        Assert.Equal("NoSuchKey", await Fails(r));
        r = Copy("never"); r.SourceBucket = "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal("NoSuchBucket", await Fails(r));
        r = Copy("never"); r.SourceVersionId = "3HL4kqtJlcpXroDTDmJ";
        Assert.Equal("InvalidArgument", await Fails(r));
        var merge = new HttpRequestMessage(HttpMethod.Put, new Uri(cluster.Silos[0].HttpUrl, $"/{bucket}/never"));
        merge.Headers.Add("x-amz-copy-source", $"/{bucket}/{Uri.EscapeDataString(key)}");
        merge.Headers.Add("x-amz-metadata-directive", "MERGE");
        using var refused = await cluster.SignedHttp.SendAsync(merge);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("x-amz-metadata-directive", await refused.Content.ReadAsStringAsync());
        Assert.Equal(["ok1", "ok2"], (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "o" })).S3Objects.Select(o => o.Key));
        await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "never"));
    }

    [Fact]
    public async Task Upload_part_copy_joins_ranges_of_objects_on_other_silos()
    {
        var bucket = await NewBucketAsync("cp-part");
        const int mib = 1 << 20;
        var first = PatternStream.Bytes(7 * mib, 41);
        var second = PatternStream.Bytes(3 * mib, 42);
        using var s3 = cluster.Client(0);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "one", InputStream = new MemoryStream(first) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "two", InputStream = new MemoryStream(second) });

        var upload = await s3.InitiateMultipartUploadAsync(bucket, "joined");
        var parts = new List<PartETag>();
        // Every part but the last is 5 MiB: the start of "one", 5 MiB from its middle (overlapping), then most of "two".
        (string Key, long First, long Last)[] ranges = [("one", 0, 5L * mib - 1), ("one", 2L * mib, 7L * mib - 1), ("two", 100, 3L * mib - 1)];
        for (var i = 0; i < ranges.Length; i++)
        {
            using var client = cluster.Client(i % cluster.Silos.Count);
            var copied = await client.CopyPartAsync(new CopyPartRequest
            {
                SourceBucket = bucket, SourceKey = ranges[i].Key, DestinationBucket = bucket, DestinationKey = "joined",
                UploadId = upload.UploadId, PartNumber = i + 1, FirstByte = ranges[i].First, LastByte = ranges[i].Last,
            });
            var bytes = (ranges[i].Key == "one" ? first : second)[(int)ranges[i].First..(int)(ranges[i].Last + 1)];
            Assert.Equal(Md5ETag(bytes), copied.ETag);
            parts.Add(new PartETag(i + 1, copied.ETag));
        }
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "joined", UploadId = upload.UploadId, PartETags = parts });

        var expected = ranges.SelectMany(r => (r.Key == "one" ? first : second)[(int)r.First..(int)(r.Last + 1)]).ToArray();
        Assert.Equal(expected, await ReadAllAsync(s3, bucket, "joined"));

        var outside = await s3.InitiateMultipartUploadAsync(bucket, "bad");
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket, SourceKey = "two", DestinationBucket = bucket, DestinationKey = "bad", UploadId = outside.UploadId,
            PartNumber = 1, FirstByte = 0, LastByte = 10L * mib,
        }));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, error.StatusCode);
    }

    [Fact]
    public async Task The_ais_copy_action_copies_between_buckets_through_any_silo()
    {
        var from = await NewBucketAsync("cp-ais");
        var to = await NewBucketAsync("cp-ais-to");
        var api = new OaisHttpClient(cluster.SignedHttp, cluster.Silos[1].HttpUrl);
        var data = PatternStream.Bytes(300_000, 51);
        await api.PutObjectAsync(from, "a/b", new ByteArrayContent(data), new Dictionary<string, string> { ["k"] = "v" }, null, CancellationToken.None);
        for (var silo = 0; silo < cluster.Silos.Count; silo++)
        {
            var client = new OaisHttpClient(cluster.SignedHttp, cluster.Silos[silo].HttpUrl);
            var meta = await client.CopyObjectAsync(from, "a/b", to, $"copy/{silo}", CancellationToken.None);
            Assert.Equal(data.Length, meta.Size);
            Assert.Equal("v", meta.Custom["k"]);
            using var s3 = cluster.Client(silo);
            Assert.Equal(data, await ReadAllAsync(s3, to, $"copy/{silo}"));
        }
        var self = await Assert.ThrowsAsync<OaisApiException>(() => api.CopyObjectAsync(from, "a/b", from, "a/b", CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, self.Status);
        var missing = await Assert.ThrowsAsync<OaisApiException>(() => api.CopyObjectAsync(from, "nope", to, "x", CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        using var noAction = await cluster.SignedHttp.PostAsJsonAsync(new Uri(cluster.Endpoint, $"/v1/objects/{from}/a/b"), new { to_name = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, noAction.StatusCode);
        Assert.Contains("action=copy", await noAction.Content.ReadAsStringAsync());
    }

    [S3ToolFact(S3Tools.AwsCli)]
    public async Task The_aws_cli_copies_moves_and_syncs_between_buckets()
    {
        S3Tools.EnsureAvailable(S3Tools.AwsCli);
        var a = await NewBucketAsync("cli-a");
        var b = await NewBucketAsync("cli-b");
        using var s3 = cluster.Client(0);
        var objects = Enumerable.Range(0, 5).ToDictionary(i => $"dir/obj-{i}", i => PatternStream.Bytes(10_000 * (i + 1), (ulong)(60 + i)));
        foreach (var (key, data) in objects) await s3.PutObjectAsync(new PutObjectRequest { BucketName = a, Key = key, InputStream = new MemoryStream(data) });

        var (code, output) = await S3Tools.RunAwsAsync(cluster.Silos[1].HttpUrl, "s3", "cp", $"s3://{a}/dir/obj-0", $"s3://{b}/copied");
        Assert.True(code == 0, output);
        Assert.Equal(objects["dir/obj-0"], await ReadAllAsync(s3, b, "copied"));

        (code, output) = await S3Tools.RunAwsAsync(cluster.Silos[2].HttpUrl, "s3", "mv", $"s3://{a}/dir/obj-1", $"s3://{b}/moved");
        Assert.True(code == 0, output);
        Assert.Equal(objects["dir/obj-1"], await ReadAllAsync(s3, b, "moved"));
        await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(a, "dir/obj-1"));

        (code, output) = await S3Tools.RunAwsAsync(cluster.Silos[0].HttpUrl, "s3", "sync", $"s3://{a}", $"s3://{b}/synced");
        Assert.True(code == 0, output);
        foreach (var (key, data) in objects.Where(o => o.Key != "dir/obj-1"))
            Assert.Equal(data, await ReadAllAsync(s3, b, $"synced/{key}"));
        (code, output) = await S3Tools.RunAwsAsync(cluster.Silos[0].HttpUrl, "s3", "sync", $"s3://{a}", $"s3://{b}/synced");
        Assert.True(code == 0 && !output.Contains("copy:"), output); // nothing left to copy
    }
}
