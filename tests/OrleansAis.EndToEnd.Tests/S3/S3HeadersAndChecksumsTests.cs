using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace OrleansAis.EndToEnd.Tests.S3;

/// <summary>Stored standard headers, response-* overrides and x-amz-checksum-*, with the AWS SDK and boto3.</summary>
[Collection(S3Collection.Name)]
public sealed class S3HeadersAndChecksumsTests(ThreeSiloS3Cluster cluster)
{
    private async Task<string> NewBucketAsync(string purpose)
    {
        var bucket = S3Collection.NewBucket(purpose);
        using var s3 = cluster.Client();
        await s3.PutBucketAsync(bucket);
        return bucket;
    }

    private static PutObjectRequest WithHeaders(string bucket, string key)
    {
        var put = new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "payload", ContentType = "text/plain" };
        put.Headers.CacheControl = "max-age=600";
        put.Headers.ContentDisposition = "attachment; filename=\"report.txt\"";
        put.Headers.ContentEncoding = "identity";
        put.Headers["Content-Language"] = "de-CH";
        put.Headers.Expires = new DateTime(2031, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        return put;
    }

    private static void AssertStored(HeadersCollection headers)
    {
        Assert.Equal("max-age=600", headers.CacheControl);
        Assert.Equal("attachment; filename=\"report.txt\"", headers.ContentDisposition);
        Assert.Equal("identity", headers.ContentEncoding);
        Assert.Equal("de-CH", headers["Content-Language"]);
    }

    [Fact]
    public async Task Standard_headers_are_stored_answered_by_every_silo_and_kept_by_copies()
    {
        var bucket = await NewBucketAsync("hdr");
        var other = await NewBucketAsync("hdr-to");
        using var s3 = cluster.Client(0);
        await s3.PutObjectAsync(WithHeaders(bucket, "doc"));
        for (var silo = 0; silo < cluster.Silos.Count; silo++)
        {
            using var client = cluster.Client(silo);
            var head = await client.GetObjectMetadataAsync(bucket, "doc");
            AssertStored(head.Headers);
            Assert.Equal("Thu, 02 Jan 2031 03:04:05 GMT", head.ExpiresString);
            using var get = await client.GetObjectAsync(bucket, "doc");
            AssertStored(get.Headers);
        }
        // CopyObject (COPY) keeps them, also onto other owners; REPLACE takes the request's.
        for (var i = 0; i < 4; i++)
            await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "doc", DestinationBucket = other, DestinationKey = $"copy-{i}" });
        for (var i = 0; i < 4; i++) AssertStored((await s3.GetObjectMetadataAsync(other, $"copy-{i}")).Headers);
        var replace = new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "doc", DestinationBucket = other, DestinationKey = "replaced", MetadataDirective = S3MetadataDirective.REPLACE,
        };
        replace.Headers.CacheControl = "no-store";
        await s3.CopyObjectAsync(replace);
        var replaced = await s3.GetObjectMetadataAsync(other, "replaced");
        Assert.Equal("no-store", replaced.Headers.CacheControl);
        Assert.Null(replaced.Headers.ContentDisposition);

        // A multipart upload keeps the headers given when it started.
        var create = new InitiateMultipartUploadRequest { BucketName = bucket, Key = "mp" };
        create.Headers.ContentDisposition = "inline";
        var upload = await s3.InitiateMultipartUploadAsync(create);
        var part = await s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "mp", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream([1, 2, 3]),
        });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "mp", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)],
        });
        Assert.Equal("inline", (await s3.GetObjectMetadataAsync(bucket, "mp")).Headers.ContentDisposition);

        // The aws-chunked framing of a streamed upload is not the object's encoding.
        using var chunked = new HttpRequestMessage(HttpMethod.Put, new Uri(cluster.Silos[1].HttpUrl, $"/{bucket}/framed"))
        {
            Content = new StringContent("a\r\n0123456789\r\n0\r\n\r\n"),
        };
        chunked.Headers.TryAddWithoutValidation("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
        chunked.Headers.TryAddWithoutValidation("x-amz-decoded-content-length", "10");
        chunked.Content.Headers.ContentEncoding.Add("aws-chunked");
        using (var response = await cluster.SignedHttp.SendAsync(chunked)) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null((await s3.GetObjectMetadataAsync(bucket, "framed")).Headers.ContentEncoding);
    }

    [Fact]
    public async Task Response_overrides_replace_headers_on_signed_and_presigned_gets()
    {
        var bucket = await NewBucketAsync("ovr");
        using var s3 = cluster.Client(2);
        await s3.PutObjectAsync(WithHeaders(bucket, "doc"));
        var overrides = new ResponseHeaderOverrides
        {
            ContentType = "application/x-override", ContentDisposition = "inline; filename=\"x.bin\"", CacheControl = "no-cache",
            ContentLanguage = "fr", ContentEncoding = "br", Expires = "Thu, 01 Jan 2032 00:00:00 GMT",
        };
        for (var silo = 0; silo < cluster.Silos.Count; silo++)
        {
            using var client = cluster.Client(silo);
            using var get = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "doc", ResponseHeaderOverrides = overrides });
            Assert.Equal("application/x-override", get.Headers.ContentType);
            Assert.Equal("inline; filename=\"x.bin\"", get.Headers.ContentDisposition);
            Assert.Equal("no-cache", get.Headers.CacheControl);
            Assert.Equal("fr", get.Headers["Content-Language"]);
            Assert.Equal("payload", await new StreamReader(get.ResponseStream).ReadToEndAsync());
        }
        // The stored headers are unchanged.
        AssertStored((await s3.GetObjectMetadataAsync(bucket, "doc")).Headers);

        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = "doc", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
            ResponseHeaderOverrides = new ResponseHeaderOverrides { ContentType = "image/png", ContentDisposition = "attachment" },
        });
        using var presigned = await cluster.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, presigned.StatusCode);
        Assert.Equal("image/png", presigned.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", presigned.Content.Headers.ContentDisposition?.DispositionType);
    }

    [S3ToolFact(S3Tools.Boto3)]
    public async Task Boto3_checksums_are_stored_and_answered_for_puts_and_multipart_uploads()
    {
        S3Tools.EnsureAvailable(S3Tools.Boto3);
        var bucket = await NewBucketAsync("cksum");
        const string script = """
            import base64, hashlib, struct, zlib
            bucket = args[0]
            def b64(b): return base64.b64encode(b).decode()
            data = b"hello checksums" * 1000
            crc32 = b64(struct.pack(">I", zlib.crc32(data)))
            sha256 = b64(hashlib.sha256(data).digest())

            # PutObject: boto3 sends CRC32 on its own; SHA-256 when asked. Both come back with checksum mode only.
            put = s3.put_object(Bucket=bucket, Key="crc", Body=data)
            assert put["ChecksumCRC32"] == crc32, put
            s3.put_object(Bucket=bucket, Key="sha", Body=data, ChecksumAlgorithm="SHA256")
            head = s3.head_object(Bucket=bucket, Key="crc", ChecksumMode="ENABLED")
            assert head["ChecksumCRC32"] == crc32 and head["ChecksumType"] == "FULL_OBJECT", head
            assert "ChecksumCRC32" not in s3.head_object(Bucket=bucket, Key="crc")
            got = s3.get_object(Bucket=bucket, Key="sha", ChecksumMode="ENABLED")
            assert got["ChecksumSHA256"] == sha256 and got["Body"].read() == data, got
            ranged = s3.get_object(Bucket=bucket, Key="sha", ChecksumMode="ENABLED", Range="bytes=0-9")
            assert "ChecksumSHA256" not in ranged and ranged["Body"].read() == data[:10], ranged

            # A wrong checksum is refused and nothing is stored.
            try:
                s3.put_object(Bucket=bucket, Key="bad", Body=data, ChecksumSHA256=b64(hashlib.sha256(b"other").digest()))
                raise SystemExit("a wrong checksum was accepted")
            except s3.exceptions.ClientError as e:
                assert e.response["Error"]["Code"] == "BadDigest", e.response
            assert s3.list_objects_v2(Bucket=bucket, Prefix="bad")["KeyCount"] == 0

            # Multipart, composite SHA-256: each part keeps its checksum; the object's is the checksum of theirs, "-N".
            part1, part2 = bytes(range(256)) * 20480, b"tail" * 100
            up = s3.create_multipart_upload(Bucket=bucket, Key="composite", ChecksumAlgorithm="SHA256")
            assert up["ChecksumAlgorithm"] == "SHA256" and up["ChecksumType"] == "COMPOSITE", up
            parts = []
            for n, body in ((1, part1), (2, part2)):
                p = s3.upload_part(Bucket=bucket, Key="composite", UploadId=up["UploadId"], PartNumber=n, Body=body, ChecksumAlgorithm="SHA256")
                assert p["ChecksumSHA256"] == b64(hashlib.sha256(body).digest()), p
                parts.append({"PartNumber": n, "ETag": p["ETag"], "ChecksumSHA256": p["ChecksumSHA256"]})
            listed = s3.list_parts(Bucket=bucket, Key="composite", UploadId=up["UploadId"])
            assert listed["ChecksumAlgorithm"] == "SHA256" and [p["ChecksumSHA256"] for p in listed["Parts"]] == [p["ChecksumSHA256"] for p in parts], listed
            uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
            assert [u["ChecksumAlgorithm"] for u in uploads if u["Key"] == "composite"] == ["SHA256"], uploads
            done = s3.complete_multipart_upload(Bucket=bucket, Key="composite", UploadId=up["UploadId"], MultipartUpload={"Parts": parts})
            composite = b64(hashlib.sha256(b"".join(base64.b64decode(p["ChecksumSHA256"]) for p in parts)).digest()) + "-2"
            assert done["ChecksumSHA256"] == composite and done["ChecksumType"] == "COMPOSITE", done
            head = s3.head_object(Bucket=bucket, Key="composite", ChecksumMode="ENABLED")
            assert head["ChecksumSHA256"] == composite and head["ChecksumType"] == "COMPOSITE", head

            # Multipart, full-object CRC-32: the object's checksum is the CRC of all its bytes.
            up = s3.create_multipart_upload(Bucket=bucket, Key="full", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
            parts = []
            for n, body in ((1, part1), (2, part2)):
                p = s3.upload_part(Bucket=bucket, Key="full", UploadId=up["UploadId"], PartNumber=n, Body=body, ChecksumAlgorithm="CRC32")
                parts.append({"PartNumber": n, "ETag": p["ETag"], "ChecksumCRC32": p["ChecksumCRC32"]})
            whole = b64(struct.pack(">I", zlib.crc32(part1 + part2)))
            done = s3.complete_multipart_upload(Bucket=bucket, Key="full", UploadId=up["UploadId"], MultipartUpload={"Parts": parts},
                ChecksumCRC32=whole, ChecksumType="FULL_OBJECT")
            assert done["ChecksumCRC32"] == whole and done["ChecksumType"] == "FULL_OBJECT", done
            got = s3.get_object(Bucket=bucket, Key="full", ChecksumMode="ENABLED")
            assert got["ChecksumCRC32"] == whole and got["Body"].read() == part1 + part2, got

            # Part checksums that are not the stored ones fail the Complete.
            up = s3.create_multipart_upload(Bucket=bucket, Key="wrong", ChecksumAlgorithm="SHA256")
            p = s3.upload_part(Bucket=bucket, Key="wrong", UploadId=up["UploadId"], PartNumber=1, Body=b"x", ChecksumAlgorithm="SHA256")
            try:
                s3.complete_multipart_upload(Bucket=bucket, Key="wrong", UploadId=up["UploadId"],
                    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p["ETag"], "ChecksumSHA256": sha256}]})
                raise SystemExit("a wrong part checksum was accepted")
            except s3.exceptions.ClientError as e:
                assert e.response["Error"]["Code"] == "InvalidPart", e.response
            print("ok")
            """;
        var (code, output) = await S3Tools.RunBoto3Async(cluster.Silos[1].HttpUrl, script, bucket);
        Assert.True(code == 0, output);
        Assert.Contains("ok", output);
        // The checksum moved with the object to every silo's answers, including the /v1 API's.
        using var head = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(cluster.Endpoint, $"/v1/objects/{bucket}/sha?proxy=true")));
        Assert.StartsWith("sha256 FULL_OBJECT ", head.Headers.GetValues("X-Oais-Content-Checksum").Single());
    }

    [Fact]
    public async Task User_metadata_has_one_limit_on_both_apis()
    {
        var bucket = await NewBucketAsync("meta-limit");
        using var s3 = cluster.Client(1);
        var big = new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" };
        big.Metadata["a"] = new string('v', 2100);
        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(big));
        Assert.Equal(("MetadataTooLarge", HttpStatusCode.BadRequest), (refused.ErrorCode, refused.StatusCode));

        var ais = new HttpRequestMessage(HttpMethod.Put, new Uri(cluster.Endpoint, $"/v1/objects/{bucket}/k")) { Content = new ByteArrayContent([1]) };
        ais.Headers.TryAddWithoutValidation("X-Oais-Meta-A", new string('v', 2100));
        using (var response = await cluster.Http.SendAsync(ais))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("2048", await response.Content.ReadAsStringAsync());
        }
        var fits = new HttpRequestMessage(HttpMethod.Put, new Uri(cluster.Endpoint, $"/v1/objects/{bucket}/k")) { Content = new ByteArrayContent([1]) };
        fits.Headers.TryAddWithoutValidation("X-Oais-Meta-A", new string('v', 2000));
        using (var response = await cluster.Http.SendAsync(fits)) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2000, (await s3.GetObjectMetadataAsync(bucket, "k")).Metadata["a"].Length);
    }

    [Fact]
    public async Task Signature_version_2_and_presigned_windows_get_S3s_answers()
    {
        var bucket = await NewBucketAsync("sigv2");
        using var s3 = cluster.Client(0);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var header = new HttpRequestMessage(HttpMethod.Get, new Uri(cluster.Endpoint, $"/{bucket}/k"));
        header.Headers.TryAddWithoutValidation("Authorization", $"AWS {S3Cluster.AccessKey}:c2lnbmF0dXJl");
        foreach (var request in new[] { header, new HttpRequestMessage(HttpMethod.Get, new Uri(cluster.Endpoint,
                     $"/{bucket}/k?AWSAccessKeyId={S3Cluster.AccessKey}&Expires=2000000000&Signature=c2ln")) })
        {
            using var response = await cluster.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("<Code>InvalidRequest</Code>", body);
            Assert.Contains("Please use AWS4-HMAC-SHA256", body);
        }

        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = "k", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddSeconds(1), Protocol = Protocol.HTTP,
        });
        var expired = await OrleansAis.Testing.Waiting.WaitUntil(
            async () =>
            {
                using var response = await cluster.Http.GetAsync(url);
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            },
            r => r.StatusCode != HttpStatusCode.OK, TimeSpan.FromSeconds(30), r => $"the presigned URL kept working: {r.StatusCode}");
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code><Message>Request has expired</Message>", expired.Body);
        Assert.Contains("<ServerTime>", expired.Body);

        // Checked before the signature (which this edit breaks), as S3 does.
        var week = System.Text.RegularExpressions.Regex.Replace(url, "X-Amz-Expires=[0-9]+", "X-Amz-Expires=604801");
        Assert.NotEqual(url, week);
        using var tooLong = await cluster.Http.GetAsync(week);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("X-Amz-Expires must be less than a week", await tooLong.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_virtual_hosted_request_without_S3_Domain_is_refused_not_misread()
    {
        var bucket = await NewBucketAsync("vhost-off");
        using var s3 = cluster.Client(0);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(cluster.Endpoint, "/k"));
        request.Headers.Host = $"{bucket}.localhost:{cluster.Silos[0].HttpPort}";
        using var response = await cluster.SignedHttp.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Code>InvalidRequest</Code>", body);
        Assert.Contains("path-style", body);
    }
}
