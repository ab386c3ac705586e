using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using OrleansAis.Tests;

namespace OrleansAis.EndToEnd.Tests.S3;

/// <summary>
/// What S3 clients rely on around multipart uploads (idempotent Complete, ListMultipartUploads, partNumber reads),
/// user metadata outside ASCII, and refused server-side encryption.
/// </summary>
[Collection(S3Collection.Name)]
public sealed class S3SemanticsTests(ThreeSiloS3Cluster cluster)
{
    private const int PartSize = 5 * 1024 * 1024;

    private async Task<string> NewBucketAsync(string purpose)
    {
        var bucket = S3Collection.NewBucket(purpose);
        using var s3 = cluster.Client();
        await s3.PutBucketAsync(bucket);
        return bucket;
    }

    private static async Task<(string UploadId, List<PartETag> Parts)> UploadAsync(AmazonS3Client s3, string bucket, string key, params byte[][] parts)
    {
        var upload = await s3.InitiateMultipartUploadAsync(bucket, key);
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(parts[i]),
            });
            etags.Add(new PartETag(i + 1, part.ETag));
        }
        return (upload.UploadId, etags);
    }

    [Fact]
    public async Task A_retried_complete_with_the_same_parts_gets_the_same_answer()
    {
        var bucket = await NewBucketAsync("mp-again");
        using var s3 = cluster.Client(0);
        var (id, parts) = await UploadAsync(s3, bucket, "k", PatternStream.Bytes(PartSize, 1), PatternStream.Bytes(100, 2));
        CompleteMultipartUploadRequest Complete(List<PartETag> etags) => new() { BucketName = bucket, Key = "k", UploadId = id, PartETags = etags };

        var first = await s3.CompleteMultipartUploadAsync(Complete(parts));
        using (var other = cluster.Client(2))
        {
            var again = await other.CompleteMultipartUploadAsync(Complete(parts));
            Assert.Equal(first.ETag, again.ETag);
            var different = await Assert.ThrowsAsync<AmazonS3Exception>(() => other.CompleteMultipartUploadAsync(Complete([parts[0]])));
            Assert.Equal("InvalidPart", different.ErrorCode);
        }
        Assert.Equal(first.ETag, (await s3.GetObjectMetadataAsync(bucket, "k")).ETag);
        var aborted = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.AbortMultipartUploadAsync(bucket, "k", id));
        Assert.Equal("NoSuchUpload", aborted.ErrorCode);
    }

    [Fact]
    public async Task List_multipart_uploads_finds_the_uploads_of_every_silo_with_prefix_and_paging()
    {
        var bucket = await NewBucketAsync("mp-list");
        using var s3 = cluster.Client(1);
        var keys = new[] { "a/1", "a/2", "a/3", "b/1", "c" };
        var ids = new Dictionary<string, string>();
        foreach (var key in keys) ids[key] = (await s3.InitiateMultipartUploadAsync(bucket, key)).UploadId;
        ids["a/2-again"] = (await s3.InitiateMultipartUploadAsync(bucket, "a/2")).UploadId; // two uploads of one key

        var all = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        Assert.Equal(["a/1", "a/2", "a/2", "a/3", "b/1", "c"], all.MultipartUploads.Select(u => u.Key));
        Assert.Equal(ids.Values.Order(StringComparer.Ordinal), all.MultipartUploads.Select(u => u.UploadId).Order(StringComparer.Ordinal));

        var underA = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Prefix = "a/" });
        Assert.Equal(4, underA.MultipartUploads.Count);
        var grouped = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["a/", "b/"], grouped.CommonPrefixes);
        Assert.Equal(["c"], grouped.MultipartUploads.Select(u => u.Key));

        var seen = new List<string>();
        string? keyMarker = null, idMarker = null;
        do
        {
            var page = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, MaxUploads = 2, KeyMarker = keyMarker, UploadIdMarker = idMarker });
            Assert.True(page.MultipartUploads.Count <= 2);
            seen.AddRange(page.MultipartUploads.Select(u => u.UploadId));
            (keyMarker, idMarker) = page.IsTruncated == true ? (page.NextKeyMarker, page.NextUploadIdMarker) : (null, null);
        } while (keyMarker is not null);
        Assert.Equal(all.MultipartUploads.Select(u => u.UploadId), seen);

        foreach (var upload in all.MultipartUploads) await s3.AbortMultipartUploadAsync(bucket, upload.Key, upload.UploadId);
        Assert.Empty((await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket })).MultipartUploads ?? []);
    }

    [Fact]
    public async Task Get_with_part_number_returns_that_part_and_the_part_count()
    {
        var bucket = await NewBucketAsync("mp-partnum");
        using var s3 = cluster.Client(2);
        byte[][] parts = [PatternStream.Bytes(PartSize, 7), PatternStream.Bytes(PartSize + 3, 8), PatternStream.Bytes(1000, 9)];
        var (id, etags) = await UploadAsync(s3, bucket, "mp", parts);
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "mp", UploadId = id, PartETags = etags });

        for (var n = 1; n <= parts.Length; n++)
        {
            using var reader = cluster.Client(n % cluster.Silos.Count);
            using var got = await reader.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "mp", PartNumber = n });
            Assert.Equal(3, got.PartsCount);
            using var body = new MemoryStream();
            await got.ResponseStream.CopyToAsync(body);
            Assert.Equal(SHA256.HashData(parts[n - 1]), SHA256.HashData(body.ToArray()));
            var head = await reader.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "mp", PartNumber = n });
            Assert.Equal(3, head.PartsCount);
            Assert.Equal(parts[n - 1].Length, head.ContentLength);
        }
        var beyond = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "mp", PartNumber = 4 }));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);
        Assert.Equal("InvalidPartNumber", beyond.ErrorCode);
    }

    [Fact]
    public async Task Non_ascii_metadata_is_taken_rfc_2047_encoded_and_answered_so_and_a_raw_value_is_refused_naming_the_header()
    {
        var bucket = await NewBucketAsync("meta-utf8");
        using var s3 = cluster.Client(0);
        var put = new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" };
        put.Metadata["city"] = "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("Zürich")) + "?=";
        put.Metadata["plain"] = "ascii";
        await s3.PutObjectAsync(put);

        for (var silo = 0; silo < cluster.Silos.Count; silo++)
        {
            using var head = await cluster.SignedHttp.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(cluster.Silos[silo].HttpUrl, $"/{bucket}/k")));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal("=?UTF-8?B?WsO8cmljaA==?=", head.Headers.GetValues("x-amz-meta-city").Single());
            Assert.Equal("ascii", head.Headers.GetValues("x-amz-meta-plain").Single());
        }
        // The AIS API stores the decoded text (its JSON shows it as is) and answers headers the same way.
        var ais = new HttpRequestMessage(HttpMethod.Put, new Uri(cluster.Endpoint, $"/v1/objects/{bucket}/q")) { Content = new ByteArrayContent([1]) };
        ais.Headers.TryAddWithoutValidation("X-Oais-Meta-Word", "=?UTF-8?Q?caf=C3=A9_au_lait?=");
        using (var stored = await cluster.SignedHttp.SendAsync(ais))
            Assert.Contains("\"word\":\"café au lait\"", await stored.Content.ReadAsStringAsync());

        using var utf8 = new HttpClient(new SigV4SigningHandler(S3Cluster.AccessKey, S3Cluster.SecretKey,
            new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 }));
        var raw = new HttpRequestMessage(HttpMethod.Put, new Uri(cluster.Endpoint, $"/{bucket}/raw")) { Content = new ByteArrayContent([1]) };
        raw.Headers.TryAddWithoutValidation("x-amz-meta-x", "é");
        using var refused = await utf8.SendAsync(raw);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("x-amz-meta-x", await refused.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "raw"))).StatusCode);
    }

    [Fact]
    public async Task An_early_error_to_a_request_that_expects_100_continue_ends_the_connection()
    {
        // Otherwise a client that sends its body anyway (boto3 does) has its next request read as this one's body.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", cluster.Silos[0].HttpPort);
        var stream = tcp.GetStream();
        // Refused on the silo asked, before any routing (unsigned, and anonymous access is off): no 100 Continue, so
        // the body was never read.
        var request = "PUT /any-bucket/k HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var buffer = new byte[8192];
        var answer = new StringBuilder();
        int n;
        while (!answer.ToString().Contains("\r\n\r\n") && (n = await stream.ReadAsync(buffer)) > 0) answer.Append(Encoding.ASCII.GetString(buffer, 0, n));
        var head = answer.ToString();
        Assert.StartsWith("HTTP/1.1 403", head);
        Assert.Contains("Connection: close", head, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Server_side_encryption_is_refused_with_501_naming_the_header()
    {
        var bucket = await NewBucketAsync("sse");
        using var s3 = cluster.Client(1);
        var sse = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", ContentBody = "secret", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        }));
        Assert.Equal(HttpStatusCode.NotImplemented, sse.StatusCode);
        Assert.Equal("NotImplemented", sse.ErrorCode);
        Assert.Contains("x-amz-server-side-encryption", sse.Message);

        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var ssec = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", ContentBody = "secret", ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = key,
        }));
        Assert.Equal(HttpStatusCode.NotImplemented, ssec.StatusCode);
        Assert.Contains("x-amz-server-side-encryption-customer", ssec.Message);
        Assert.Empty((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
    }
}
