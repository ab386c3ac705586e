namespace OrleansAis.Silo.Http.S3.Auth;

/// <summary>
/// The signatures of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body: each chunk's signature covers its data and the previous
/// signature, starting from the request's own (the seed), and the optional trailer's signature follows the final chunk.
/// </summary>
public sealed class ChunkSignatureChain(SigV4Context seed)
{
    private string _previous = seed.Signature;

    public void VerifyChunk(string dataSha256Hex, string? signature)
    {
        var expected = Sign("AWS4-HMAC-SHA256-PAYLOAD", SigV4.EmptySha256, dataSha256Hex);
        if (!SigV4.SameSignature(expected, signature)) throw S3Exception.SignatureDoesNotMatch("a chunk signature of the streamed body does not match");
        _previous = expected;
    }

    /// <summary><paramref name="canonicalTrailers"/>: each trailer as "name:value\n", in the order sent.</summary>
    public void VerifyTrailer(string canonicalTrailers, string? signature)
    {
        var expected = Sign("AWS4-HMAC-SHA256-TRAILER", SigV4.Sha256Hex(canonicalTrailers));
        if (!SigV4.SameSignature(expected, signature)) throw S3Exception.SignatureDoesNotMatch("the trailer signature of the streamed body does not match");
    }

    private string Sign(string algorithm, params string[] hashes) =>
        SigV4.Sign(seed.SigningKey, string.Join('\n', [algorithm, seed.Timestamp, seed.Scope, _previous, .. hashes]));
}
