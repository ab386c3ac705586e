using System.Globalization;
using OrleansAis.Storage;
using OrleansAis.Silo.Http.S3.Auth;

namespace OrleansAis.Silo.Http.S3.Payload;

/// <summary>
/// The body of an S3 request as the bytes the client meant: aws-chunked bodies decoded (chunk signatures verified), and
/// every digest the client stated checked by the end of the body (x-amz-content-sha256, Content-MD5, x-amz-checksum-*
/// as a header or trailer). Streams; never holds more than a buffer.
/// </summary>
public static class S3Payload
{
    private const string ChecksumHeaderPrefix = S3Headers.ChecksumPrefix;

    /// <summary>
    /// The decoded body and its length when known (x-amz-decoded-content-length or Content-Length). With
    /// <paramref name="computeAlgorithm"/>, the body's checksum of that algorithm is computed even when the client sent none.
    /// </summary>
    /// <remarks>
    /// On CompleteMultipartUpload the x-amz-checksum-* headers state the object's checksum, not the XML body's:
    /// <paramref name="checksumHeadersDescribeBody"/> false leaves them to the caller.
    /// </remarks>
    public static S3Body Open(HttpContext context, S3Caller caller, string? computeAlgorithm = null, bool checksumHeadersDescribeBody = true)
    {
        var headers = context.Request.Headers;
        var contentSha256 = headers[S3Headers.ContentSha256].ToString();
        var checks = new List<PayloadCheck>();
        Stream content = context.Request.Body;
        var length = context.Request.ContentLength;
        switch (contentSha256)
        {
            case SigV4.StreamingSignedPayload or SigV4.StreamingSignedPayloadTrailer or SigV4.StreamingUnsignedPayloadTrailer:
                var signed = contentSha256 != SigV4.StreamingUnsignedPayloadTrailer;
                if (signed && caller.Signature is null) throw S3Exception.AccessDenied("a signed streaming body needs a signed request");
                var hasTrailers = contentSha256 != SigV4.StreamingSignedPayload;
                length = DecodedLength(headers[S3Headers.DecodedContentLength].ToString());
                var chunked = new AwsChunkedStream(content, signed ? new ChunkSignatureChain(caller.Signature!) : null, hasTrailers, length);
                content = chunked;
                if (hasTrailers) checks.AddRange(TrailerChecks(headers[S3Headers.Trailer].ToString(), chunked));
                break;
            case "" or SigV4.UnsignedPayload:
                break;
            case { Length: 64 } hex when hex.All(char.IsAsciiHexDigit):
                var expected = Convert.FromHexString(hex);
                checks.Add(new PayloadCheck(S3Headers.ContentSha256, ContentHash.For("sha256")!, () => expected,
                    message => new S3Exception(StatusCodes.Status400BadRequest, "XAmzContentSHA256Mismatch", message)));
                break;
            case var other when other.StartsWith("STREAMING-", StringComparison.Ordinal):
                throw S3Exception.NotImplemented($"x-amz-content-sha256 '{other}'");
            default:
                throw S3Exception.InvalidArgument($"x-amz-content-sha256 '{contentSha256}' is neither a hex SHA-256 nor a known payload mode");
        }
        if (headers.ContentMD5.ToString() is { Length: > 0 } md5)
        {
            var digest = Base64(md5) ?? throw new S3Exception(StatusCodes.Status400BadRequest, "InvalidDigest", "Content-MD5 is not base64");
            checks.Add(new PayloadCheck("Content-MD5", ContentHash.For("md5")!, () => digest, S3Exception.BadDigest));
        }
        foreach (var algorithm in checksumHeadersDescribeBody ? ContentHash.ChecksumAlgorithms : [])
        {
            if (headers[ChecksumHeaderPrefix + algorithm].ToString() is not { Length: > 0 } value) continue;
            var digest = Base64(value) ?? throw S3Exception.InvalidRequest($"{ChecksumHeaderPrefix}{algorithm} is not base64");
            checks.Add(new PayloadCheck(ChecksumHeaderPrefix + algorithm, ContentHash.For(algorithm)!, () => digest, S3Exception.BadDigest, algorithm));
        }
        if (computeAlgorithm is not null && !checks.Any(c => c.Algorithm == computeAlgorithm))
            checks.Add(new PayloadCheck(ChecksumHeaderPrefix + computeAlgorithm, ContentHash.For(computeAlgorithm)!, null, S3Exception.BadDigest, computeAlgorithm));
        return checks.Count == 0 ? new S3Body(content, length, null) : new S3Body(new VerifyingStream(content, checks), length, checks);
    }

    /// <summary>Checks for the checksums announced in x-amz-trailer; their values arrive at the end of the body.</summary>
    private static IEnumerable<PayloadCheck> TrailerChecks(string announced, AwsChunkedStream chunked)
    {
        foreach (var name in announced.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n => n.ToLowerInvariant()))
        {
            var hash = name.StartsWith(ChecksumHeaderPrefix, StringComparison.Ordinal) ? ContentHash.For(name[ChecksumHeaderPrefix.Length..]) : null;
            if (hash is null) throw S3Exception.InvalidRequest($"trailer '{name}' is not a supported checksum");
            yield return new PayloadCheck(name, hash, () => chunked.Trailers.TryGetValue(name, out var value) ? Base64(value) ?? [] : null,
                message => new S3Exception(StatusCodes.Status400BadRequest, chunked.Trailers.ContainsKey(name) ? "BadDigest" : "MalformedTrailerError", message),
                name[ChecksumHeaderPrefix.Length..]);
        }
    }

    private static long? DecodedLength(string header)
    {
        if (header.Length == 0) return null;
        return long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? length
            : throw S3Exception.InvalidArgument($"x-amz-decoded-content-length '{header}' is not a byte count");
    }

    private static byte[]? Base64(string value)
    {
        var bytes = new byte[value.Length];
        return Convert.TryFromBase64String(value, bytes, out var written) ? bytes[..written] : null;
    }
}

/// <summary>An S3 request body (see <see cref="S3Payload"/>).</summary>
public sealed class S3Body(Stream content, long? length, IReadOnlyList<PayloadCheck>? checks)
{
    public Stream Content { get; } = content;
    public long? Length { get; } = length;

    public void Deconstruct(out Stream content, out long? length) => (content, length) = (Content, Length);

    /// <summary>
    /// Once the body was read to its end: its verified (or computed) x-amz-checksum-* digest, as the object keeps it; of
    /// several, the one of <paramref name="algorithm"/>, else the first. Null when the body carried none.
    /// </summary>
    public ObjectChecksum? Checksum(string? algorithm = null)
    {
        if (checks is null || Content is not VerifyingStream verified) return null;
        var check = checks.FirstOrDefault(c => c.Algorithm is not null && (algorithm is null || c.Algorithm == algorithm));
        return check is not null && verified.Digests.TryGetValue(check, out var digest)
            ? new ObjectChecksum(check.Algorithm!, Convert.ToBase64String(digest), ObjectChecksum.FullObject)
            : null;
    }
}
