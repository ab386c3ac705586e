using System.Security.Cryptography;
using System.Text;

namespace OrleansAis.Silo.Http.S3.Auth;

/// <summary>AWS Signature Version 4 building blocks: names, hashing, key derivation and S3's URI encoding.</summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Service = "s3";
    public const string Terminator = "aws4_request";
    public const string TimestampFormat = "yyyyMMdd'T'HHmmss'Z'";
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>Values of <c>x-amz-content-sha256</c> that are not a hash of the body.</summary>
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string StreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string StreamingSignedPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public const string StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

    public static byte[] SigningKey(string secretKey, string date, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Terminator));
    }

    /// <summary>The hex HMAC-SHA256 of <paramref name="stringToSign"/>: a signature.</summary>
    public static string Sign(byte[] signingKey, string stringToSign) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Constant-time comparison, so response timing does not reveal how much of a forged signature was right.</summary>
    public static bool SameSignature(string expected, string? actual) =>
        actual is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual.ToLowerInvariant()));

    /// <summary>
    /// Percent-encodes everything but the RFC 3986 unreserved characters (and '/' unless <paramref name="encodeSlash"/>),
    /// with upper-case hex, as the SigV4 canonical forms require.
    /// </summary>
    public static string UriEncode(string value, bool encodeSlash)
    {
        var text = new StringBuilder(value.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' || (c == '/' && !encodeSlash)) text.Append(c);
            else text.Append('%').Append(b.ToString("X2"));
        }
        return text.ToString();
    }
}
