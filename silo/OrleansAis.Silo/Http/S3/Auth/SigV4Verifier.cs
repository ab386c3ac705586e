using System.Globalization;

namespace OrleansAis.Silo.Http.S3.Auth;

/// <summary>A verified signature: who signed, and what chunk signatures of a streamed body are chained to.</summary>
public sealed record SigV4Context(string AccessKey, byte[] SigningKey, string Timestamp, string Scope, string Signature);

/// <summary>
/// Verifies AWS Signature Version 4 on S3 requests, from the Authorization header or a presigned URL's query.
/// <paramref name="secretKeyOf"/> maps an access key to its secret (null: unknown key).
/// </summary>
public sealed class SigV4Verifier(Func<string, string?> secretKeyOf, string region)
{
    /// <summary>How far a request's time may be from ours (S3 allows 15 minutes).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(15);
    public const int MaxPresignedExpirySeconds = 7 * 24 * 3600;

    public SigV4Context VerifyHeader(SigV4Request request, string authorization, DateTimeOffset now)
    {
        var fields = ParseAuthorization(authorization);
        var timestamp = request.Header(S3Headers.Date) ?? FromHttpDate(request.Header("date"));
        if (Math.Abs((now - ParseTimestamp(timestamp)).Ticks) > MaxClockSkew.Ticks)
            throw new S3Exception(StatusCodes.Status403Forbidden, "RequestTimeTooSkewed",
                $"the request time {timestamp} is more than {MaxClockSkew.TotalMinutes} minutes away from the server's {now.UtcDateTime.ToString(SigV4.TimestampFormat, CultureInfo.InvariantCulture)}");
        var payloadHash = request.Header(S3Headers.ContentSha256)
            ?? throw S3Exception.InvalidRequest("signed requests need an x-amz-content-sha256 header");
        return Verify(request, fields["Credential"], fields["SignedHeaders"], fields["Signature"], timestamp, payloadHash, excludedQueryName: null);
    }

    public SigV4Context VerifyPresigned(SigV4Request request, DateTimeOffset now)
    {
        string Parameter(string name) => request.Query.FirstOrDefault(p => p.Key == name).Value is { Length: > 0 } value
            ? value
            : throw new S3Exception(StatusCodes.Status400BadRequest, "AuthorizationQueryParametersError", $"the presigned URL has no {name}");
        if (Parameter("X-Amz-Algorithm") != SigV4.Algorithm)
            throw new S3Exception(StatusCodes.Status400BadRequest, "AuthorizationQueryParametersError", $"X-Amz-Algorithm must be {SigV4.Algorithm}");
        var timestamp = Parameter("X-Amz-Date");
        var signedAt = ParseTimestamp(timestamp);
        var expiresText = Parameter("X-Amz-Expires");
        // S3's own words for each way the validity window can be wrong.
        if (!long.TryParse(expiresText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var expires))
            throw QueryError("X-Amz-Expires should be a number");
        if (expires < 0) throw QueryError("X-Amz-Expires must be non-negative");
        if (expires == 0) throw QueryError("X-Amz-Expires must be at least 1 second"); // S3's documented minimum
        if (expires > MaxPresignedExpirySeconds)
            throw QueryError($"X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than {MaxPresignedExpirySeconds} seconds");
        string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (now < signedAt - MaxClockSkew)
            throw new S3Exception(StatusCodes.Status403Forbidden, "AccessDenied", "Request is not valid yet")
            {
                Details = { ["X-Amz-Date"] = timestamp, ["ServerTime"] = Time(now) },
            };
        if (now > signedAt.AddSeconds(expires))
            throw new S3Exception(StatusCodes.Status403Forbidden, "AccessDenied", "Request has expired")
            {
                Details = { ["X-Amz-Expires"] = expiresText, ["Expires"] = Time(signedAt.AddSeconds(expires)), ["ServerTime"] = Time(now) },
            };
        var payloadHash = request.Header(S3Headers.ContentSha256) ?? SigV4.UnsignedPayload;
        return Verify(request, Parameter("X-Amz-Credential"), Parameter("X-Amz-SignedHeaders"), Parameter("X-Amz-Signature"),
            timestamp, payloadHash, excludedQueryName: "X-Amz-Signature");
    }

    private static S3Exception QueryError(string message) => new(StatusCodes.Status400BadRequest, "AuthorizationQueryParametersError", message);

    private SigV4Context Verify(SigV4Request request, string credential, string signedHeaderList, string signature,
        string timestamp, string payloadHash, string? excludedQueryName)
    {
        var scopeParts = credential.Split('/');
        if (scopeParts.Length != 5) throw S3Exception.AuthorizationHeaderMalformed($"credential '{credential}' is not ACCESS_KEY/DATE/REGION/s3/aws4_request");
        var (accessKey, date, scopeRegion) = (scopeParts[0], scopeParts[1], scopeParts[2]);
        if (scopeParts[3] != SigV4.Service || scopeParts[4] != SigV4.Terminator)
            throw S3Exception.AuthorizationHeaderMalformed($"the credential scope must end in /{SigV4.Service}/{SigV4.Terminator}");
        if (scopeRegion != region)
            throw S3Exception.AuthorizationHeaderMalformed($"the region '{scopeRegion}' is wrong; expecting '{region}'");
        if (!timestamp.StartsWith(date, StringComparison.Ordinal))
            throw S3Exception.AuthorizationHeaderMalformed($"the credential date {date} is not the date of the request time {timestamp}");
        var secret = secretKeyOf(accessKey)
            ?? throw new S3Exception(StatusCodes.Status403Forbidden, "InvalidAccessKeyId", $"the access key '{accessKey}' does not exist");
        var signedHeaders = signedHeaderList.Split(';');
        if (!signedHeaders.Contains("host")) throw S3Exception.AuthorizationHeaderMalformed("the Host header must be signed");

        var canonical = CanonicalRequest.Build(request, signedHeaders, payloadHash, excludedQueryName);
        var scope = $"{date}/{region}/{SigV4.Service}/{SigV4.Terminator}";
        var stringToSign = $"{SigV4.Algorithm}\n{timestamp}\n{scope}\n{SigV4.Sha256Hex(canonical)}";
        var key = SigV4.SigningKey(secret, date, region, SigV4.Service);
        var expected = SigV4.Sign(key, stringToSign);
        if (!SigV4.SameSignature(expected, signature))
        {
            throw new S3Exception(StatusCodes.Status403Forbidden, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
            {
                Details = { ["StringToSign"] = stringToSign, ["CanonicalRequest"] = canonical },
            };
        }
        return new SigV4Context(accessKey, key, timestamp, scope, expected);
    }

    /// <summary>"AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." into its three fields.</summary>
    private static Dictionary<string, string> ParseAuthorization(string authorization)
    {
        var fields = authorization[SigV4.Algorithm.Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        foreach (var required in new[] { "Credential", "SignedHeaders", "Signature" })
        {
            if (!fields.ContainsKey(required)) throw S3Exception.AuthorizationHeaderMalformed($"the Authorization header has no {required}");
        }
        return fields;
    }

    private static DateTimeOffset ParseTimestamp(string timestamp) =>
        DateTimeOffset.TryParseExact(timestamp, SigV4.TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw S3Exception.AccessDenied($"'{timestamp}' is not a valid request time (expected {SigV4.TimestampFormat.Replace("'", "")})");

    /// <summary>Requests without x-amz-date are timed (and signed) by their HTTP Date header.</summary>
    private static string FromHttpDate(string? date) =>
        date is not null && DateTimeOffset.TryParseExact(date, "R", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.UtcDateTime.ToString(SigV4.TimestampFormat, CultureInfo.InvariantCulture)
            : throw S3Exception.AccessDenied("AWS authentication requires a valid Date or x-amz-date header");
}
