using OrleansAis.Silo.Http.S3;
using OrleansAis.Silo.Http.S3.Auth;

namespace OrleansAis.Silo.Tests.Http.S3;

/// <summary>
/// The verifier against the worked examples of the AWS S3 Signature Version 4 documentation
/// (key AKIAIOSFODNN7EXAMPLE, region us-east-1, 24 May 2013): a signature computed by AWS must verify.
/// </summary>
[Trait("Category", "Fast")]
public sealed class SigV4VerifierTests
{
    public const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    public static readonly DateTimeOffset SignedAt = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);
    private const string BucketHost = "examplebucket.s3.amazonaws.com";

    private static readonly SigV4Verifier Verifier = new(key => key == AccessKey ? SecretKey : null, "us-east-1");

    public static SigV4Request Request(string method, string path, string query, params (string Name, string Value)[] headers)
    {
        var pairs = query.Length == 0
            ? []
            : query.Split('&').Select(p => p.Split('=', 2)).Select(kv => KeyValuePair.Create(Uri.UnescapeDataString(kv[0]), kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "")).ToList();
        var map = headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);
        return new SigV4Request(method, path, pairs, name => map.GetValueOrDefault(name));
    }

    private static string Authorization(string signedHeaders, string signature) =>
        $"AWS4-HMAC-SHA256 Credential={AccessKey}/20130524/us-east-1/s3/aws4_request,SignedHeaders={signedHeaders},Signature={signature}";

    private static SigV4Request GetObject() => Request("GET", "/test.txt", "",
        ("host", BucketHost), ("range", "bytes=0-9"), ("x-amz-content-sha256", SigV4.EmptySha256), ("x-amz-date", "20130524T000000Z"));

    private const string GetObjectSignature = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";

    [Fact]
    public void Get_object_example_verifies()
    {
        var context = Verifier.VerifyHeader(GetObject(), Authorization("host;range;x-amz-content-sha256;x-amz-date", GetObjectSignature), SignedAt);
        Assert.Equal(AccessKey, context.AccessKey);
        Assert.Equal("20130524/us-east-1/s3/aws4_request", context.Scope);
    }

    [Fact]
    public void Put_object_example_with_a_dollar_in_the_key_verifies()
    {
        var request = Request("PUT", "/test$file.text", "",
            ("date", "Fri, 24 May 2013 00:00:00 GMT"), ("host", BucketHost),
            ("x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"),
            ("x-amz-date", "20130524T000000Z"), ("x-amz-storage-class", "REDUCED_REDUNDANCY"));
        Verifier.VerifyHeader(request, Authorization("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"), SignedAt);
    }

    [Theory]
    [InlineData("lifecycle", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")]
    [InlineData("max-keys=2&prefix=J", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")]
    public void Bucket_examples_with_query_parameters_verify(string query, string signature)
    {
        var request = Request("GET", "/", query,
            ("host", BucketHost), ("x-amz-content-sha256", SigV4.EmptySha256), ("x-amz-date", "20130524T000000Z"));
        Verifier.VerifyHeader(request, Authorization("host;x-amz-content-sha256;x-amz-date", signature), SignedAt);
    }

    [Fact]
    public void Presigned_url_example_verifies_until_it_expires()
    {
        var request = Request("GET", "/test.txt",
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
            ("host", BucketHost));
        Verifier.VerifyPresigned(request, SignedAt.AddHours(23));
        var expired = Assert.Throws<S3Exception>(() => Verifier.VerifyPresigned(request, SignedAt.AddHours(25)));
        Assert.Equal("AccessDenied", expired.Code);
    }

    [Fact]
    public void Streaming_upload_seed_signature_example_verifies()
    {
        var context = Verifier.VerifyHeader(AwsChunkedStreamTests.SeedRequest(), AwsChunkedStreamTests.SeedAuthorization, SignedAt);
        Assert.Equal(AwsChunkedStreamTests.SeedSignature, context.Signature);
    }

    [Fact]
    public void A_changed_header_or_query_breaks_the_signature()
    {
        var authorization = Authorization("host;range;x-amz-content-sha256;x-amz-date", GetObjectSignature);
        var tampered = Request("GET", "/test.txt", "", ("host", BucketHost), ("range", "bytes=0-10"),
            ("x-amz-content-sha256", SigV4.EmptySha256), ("x-amz-date", "20130524T000000Z"));
        Assert.Equal("SignatureDoesNotMatch", Assert.Throws<S3Exception>(() => Verifier.VerifyHeader(tampered, authorization, SignedAt)).Code);
        var withQuery = Request("GET", "/test.txt", "acl", ("host", BucketHost), ("range", "bytes=0-9"),
            ("x-amz-content-sha256", SigV4.EmptySha256), ("x-amz-date", "20130524T000000Z"));
        Assert.Equal("SignatureDoesNotMatch", Assert.Throws<S3Exception>(() => Verifier.VerifyHeader(withQuery, authorization, SignedAt)).Code);
    }

    [Fact]
    public void A_wrong_secret_is_a_signature_mismatch_and_an_unknown_key_is_named()
    {
        var authorization = Authorization("host;range;x-amz-content-sha256;x-amz-date", GetObjectSignature);
        var otherSecret = new SigV4Verifier(_ => "not-the-secret", "us-east-1");
        var mismatch = Assert.Throws<S3Exception>(() => otherSecret.VerifyHeader(GetObject(), authorization, SignedAt));
        Assert.Equal(("SignatureDoesNotMatch", 403), (mismatch.Code, mismatch.Status));
        Assert.Contains("CanonicalRequest", mismatch.Details.Keys);

        var noKeys = new SigV4Verifier(_ => null, "us-east-1");
        var unknown = Assert.Throws<S3Exception>(() => noKeys.VerifyHeader(GetObject(), authorization, SignedAt));
        Assert.Equal(("InvalidAccessKeyId", 403), (unknown.Code, unknown.Status));
    }

    [Fact]
    public void Wrong_region_and_stale_requests_are_refused()
    {
        var authorization = Authorization("host;range;x-amz-content-sha256;x-amz-date", GetObjectSignature);
        var otherRegion = new SigV4Verifier(_ => SecretKey, "eu-west-1");
        Assert.Equal("AuthorizationHeaderMalformed", Assert.Throws<S3Exception>(() => otherRegion.VerifyHeader(GetObject(), authorization, SignedAt)).Code);
        Assert.Equal("RequestTimeTooSkewed",
            Assert.Throws<S3Exception>(() => Verifier.VerifyHeader(GetObject(), authorization, SignedAt.AddMinutes(16))).Code);
    }

    [Fact]
    public void Canonical_uri_encodes_each_segment_once_whatever_the_client_escaped()
    {
        Assert.Equal("/test%24file.text", CanonicalRequest.CanonicalUri("/test$file.text"));
        Assert.Equal("/test%24file.text", CanonicalRequest.CanonicalUri("/test%24file.text"));
        Assert.Equal("/b/a%20b/%C3%A9%2Fx/~y", CanonicalRequest.CanonicalUri("/b/a b/%C3%A9%2Fx/~y"));
    }
}
