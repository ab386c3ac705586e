using System.Text;
using OrleansAis.Storage;
using Microsoft.AspNetCore.Http;
using OrleansAis.Silo.Http.S3;
using OrleansAis.Silo.Http.S3.Auth;
using OrleansAis.Silo.Http.S3.Payload;

namespace OrleansAis.Silo.Tests.Http.S3;

/// <summary>
/// aws-chunked decoding against the streaming example of the AWS documentation (66560 bytes of 'a' in a 64 KiB and a
/// 1 KiB chunk, with the published chunk signatures), and payload checks on bodies.
/// </summary>
[Trait("Category", "Fast")]
public sealed class AwsChunkedStreamTests
{
    public const string SeedSignature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

    public const string SeedAuthorization =
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request," +
        "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class," +
        "Signature=" + SeedSignature;

    private static readonly string[] ChunkSignatures =
    [
        "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
    ];

    public static SigV4Request SeedRequest() => SigV4VerifierTests.Request("PUT", "/examplebucket/chunkObject.txt", "",
        ("host", "s3.amazonaws.com"), ("x-amz-date", "20130524T000000Z"), ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ("x-amz-content-sha256", SigV4.StreamingSignedPayload), ("content-encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", "66560"), ("content-length", "66824"));

    private static SigV4Context Seed() =>
        new SigV4Verifier(_ => SigV4VerifierTests.SecretKey, "us-east-1").VerifyHeader(SeedRequest(), SeedAuthorization, SigV4VerifierTests.SignedAt);

    private static byte[] ExampleBody(string? secondChunkSignature = null, byte secondChunkByte = (byte)'a')
    {
        var body = new MemoryStream();
        void Write(string text) => body.Write(Encoding.ASCII.GetBytes(text));
        Write($"10000;chunk-signature={ChunkSignatures[0]}\r\n");
        body.Write(Enumerable.Repeat((byte)'a', 65536).ToArray());
        Write($"\r\n400;chunk-signature={secondChunkSignature ?? ChunkSignatures[1]}\r\n");
        body.Write(Enumerable.Repeat(secondChunkByte, 1024).ToArray());
        Write($"\r\n0;chunk-signature={ChunkSignatures[2]}\r\n\r\n");
        return body.ToArray();
    }

    /// <summary>Reads through <paramref name="stream"/> in small, uneven pieces (as a network delivers them).</summary>
    private static async Task<byte[]> DrainAsync(Stream stream)
    {
        var output = new MemoryStream();
        var buffer = new byte[7777];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0) output.Write(buffer, 0, read);
        return output.ToArray();
    }

    [Fact]
    public async Task The_documented_example_decodes_with_every_chunk_signature_verified()
    {
        var body = ExampleBody();
        Assert.Equal(66824, body.Length); // the example's Content-Length
        var decoded = await DrainAsync(new AwsChunkedStream(new MemoryStream(body), new ChunkSignatureChain(Seed()), hasTrailers: false, decodedLength: 66560));
        Assert.Equal(Enumerable.Repeat((byte)'a', 66560), decoded);
    }

    [Fact]
    public async Task Changed_data_or_a_forged_chunk_signature_fails_before_the_end()
    {
        var tampered = new AwsChunkedStream(new MemoryStream(ExampleBody(secondChunkByte: (byte)'b')), new ChunkSignatureChain(Seed()), false, 66560);
        Assert.Equal("SignatureDoesNotMatch", (await Assert.ThrowsAsync<S3Exception>(() => DrainAsync(tampered))).Code);
        var forged = new AwsChunkedStream(new MemoryStream(ExampleBody(secondChunkSignature: new string('0', 64))), new ChunkSignatureChain(Seed()), false, 66560);
        Assert.Equal("SignatureDoesNotMatch", (await Assert.ThrowsAsync<S3Exception>(() => DrainAsync(forged))).Code);
    }

    [Fact]
    public async Task A_truncated_body_or_a_wrong_decoded_length_is_refused()
    {
        var body = ExampleBody();
        var truncated = new AwsChunkedStream(new MemoryStream(body[..40000]), new ChunkSignatureChain(Seed()), false, 66560);
        Assert.Equal("IncompleteBody", (await Assert.ThrowsAsync<S3Exception>(() => DrainAsync(truncated))).Code);
        var longer = new AwsChunkedStream(new MemoryStream(body), new ChunkSignatureChain(Seed()), false, 70000);
        Assert.Equal("IncompleteBody", (await Assert.ThrowsAsync<S3Exception>(() => DrainAsync(longer))).Code);
    }

    private static HttpContext UnsignedTrailerUpload(byte[] data, string trailer)
    {
        var wire = new MemoryStream();
        void Write(string text) => wire.Write(Encoding.ASCII.GetBytes(text));
        Write($"{data.Length:x}\r\n");
        wire.Write(data);
        Write($"\r\n0\r\n{trailer}\r\n\r\n");
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(wire.ToArray());
        context.Request.Headers["x-amz-content-sha256"] = SigV4.StreamingUnsignedPayloadTrailer;
        context.Request.Headers["x-amz-trailer"] = "x-amz-checksum-crc32";
        context.Request.Headers["x-amz-decoded-content-length"] = data.Length.ToString();
        return context;
    }

    [Fact]
    public async Task Unsigned_trailer_upload_decodes_and_checks_its_crc32()
    {
        var data = Encoding.ASCII.GetBytes("123456789");
        // CRC-32 of "123456789" is the catalogue check value 0xCBF43926.
        var (content, length) = S3Payload.Open(UnsignedTrailerUpload(data, "x-amz-checksum-crc32:" + Convert.ToBase64String([0xCB, 0xF4, 0x39, 0x26])), S3Caller.Anonymous);
        Assert.Equal(9, length);
        Assert.Equal(data, await DrainAsync(content));

        var (wrong, _) = S3Payload.Open(UnsignedTrailerUpload(data, "x-amz-checksum-crc32:AAAAAA=="), S3Caller.Anonymous);
        Assert.Equal("BadDigest", (await Assert.ThrowsAsync<S3Exception>(() => DrainAsync(wrong))).Code);

        var (missing, _) = S3Payload.Open(UnsignedTrailerUpload(data, "x-amz-meta-other:1"), S3Caller.Anonymous);
        Assert.Equal("MalformedTrailerError", (await Assert.ThrowsAsync<S3Exception>(() => DrainAsync(missing))).Code);
    }

    [Fact]
    public async Task A_body_that_does_not_hash_to_x_amz_content_sha256_fails_at_its_end()
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.ASCII.GetBytes("Welcome to Amazon S3!"));
        // SHA-256 of "Welcome to Amazon S3." (the documentation's PUT example), not of this body.
        context.Request.Headers["x-amz-content-sha256"] = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
        var (content, _) = S3Payload.Open(context, S3Caller.Anonymous);
        Assert.Equal("XAmzContentSHA256Mismatch", (await Assert.ThrowsAsync<S3Exception>(() => DrainAsync(content))).Code);

        var good = new DefaultHttpContext();
        good.Request.Body = new MemoryStream(Encoding.ASCII.GetBytes("Welcome to Amazon S3."));
        good.Request.Headers["x-amz-content-sha256"] = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
        Assert.Equal("Welcome to Amazon S3.", Encoding.ASCII.GetString(await DrainAsync(S3Payload.Open(good, S3Caller.Anonymous).Content)));
    }

    [Theory]
    [InlineData("crc32", "cbf43926")]
    [InlineData("crc32c", "e3069283")]
    [InlineData("crc64nvme", "ae8b14860a799888")]
    public void Checksums_match_the_catalogue_check_values(string algorithm, string check)
    {
        var hash = ContentHash.For(algorithm)!;
        hash.Append("1234"u8);
        hash.Append("56789"u8);
        Assert.Equal(check, Convert.ToHexStringLower(hash.Finish()));
    }
}
