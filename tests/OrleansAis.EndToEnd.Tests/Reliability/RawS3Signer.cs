using System.Globalization;
using OrleansAis.Silo.Http.S3.Auth;

namespace OrleansAis.EndToEnd.Tests.Reliability;

/// <summary>
/// Signs a <see cref="RawRequest"/> with SigV4 (header form, unsigned payload), with knobs to get one thing wrong: the
/// secret, the region, the time, the signed header list. A correctly signed request is a control case of the suite, so
/// a wrong signature is refused for the stated reason and not because this signer is broken.
/// </summary>
public static class RawS3Signer
{
    public static RawRequest Sign(RawRequest request, string host, string accessKey, string secretKey, string region = "us-east-1",
        DateTimeOffset? at = null, string? signedHeadersOverride = null, string payloadHash = SigV4.UnsignedPayload)
    {
        var time = (at ?? DateTimeOffset.UtcNow).UtcDateTime;
        var timestamp = time.ToString(SigV4.TimestampFormat, CultureInfo.InvariantCulture);
        var date = timestamp[..8];
        var headers = request.Headers.Where(h => !h.Name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)).ToList();
        headers.Add(("x-amz-date", timestamp));
        headers.Add(("x-amz-content-sha256", payloadHash));
        var all = headers.Append(("host", host)).ToList();
        var signed = new[] { "host", "x-amz-content-sha256", "x-amz-date" };
        var question = request.Target.IndexOf('?');
        var path = question < 0 ? request.Target : request.Target[..question];
        var query = question < 0 ? [] : request.Target[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Select(p => KeyValuePair.Create(Uri.UnescapeDataString(p[0]), p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "")).ToList();
        var sigRequest = new SigV4Request(request.Method, path, query,
            name => all.Where(h => h.Item1.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Item2).FirstOrDefault());
        var canonical = CanonicalRequest.Build(sigRequest, signed, payloadHash);
        var scope = $"{date}/{region}/{SigV4.Service}/{SigV4.Terminator}";
        var stringToSign = $"{SigV4.Algorithm}\n{timestamp}\n{scope}\n{SigV4.Sha256Hex(canonical)}";
        var signature = SigV4.Sign(SigV4.SigningKey(secretKey, date, region, SigV4.Service), stringToSign);
        headers.Add(("Authorization",
            $"{SigV4.Algorithm} Credential={accessKey}/{scope}, SignedHeaders={signedHeadersOverride ?? string.Join(';', signed)}, Signature={signature}"));
        return request with { Headers = headers };
    }
}
