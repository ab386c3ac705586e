using System.Globalization;
using OrleansAis.Silo.Http.S3.Auth;

namespace OrleansAis.EndToEnd.Tests.S3;

/// <summary>
/// Signs plain <see cref="HttpClient"/> requests with SigV4 (header form; the body unsigned unless the request states its
/// own <c>x-amz-content-sha256</c>), for tests that send S3 requests an SDK would not build (raw headers, odd bodies) to
/// silos whose anonymous access is off. Presigned URLs and requests that carry their own Authorization pass unchanged.
/// </summary>
public sealed class SigV4SigningHandler(string accessKey, string secretKey, HttpMessageHandler? inner = null, string region = "us-east-1")
    : DelegatingHandler(inner ?? new SocketsHttpHandler { AllowAutoRedirect = false })
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        if (request.Headers.Authorization is null && !uri.Query.Contains("X-Amz-Algorithm=", StringComparison.Ordinal)) Sign(request, uri);
        return base.SendAsync(request, cancellationToken);
    }

    private void Sign(HttpRequestMessage request, Uri uri)
    {
        var timestamp = DateTime.UtcNow.ToString(SigV4.TimestampFormat, CultureInfo.InvariantCulture);
        var date = timestamp[..8];
        var payloadHash = request.Headers.TryGetValues("x-amz-content-sha256", out var stated) ? stated.First() : SigV4.UnsignedPayload;
        request.Headers.Remove("x-amz-content-sha256");
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        request.Headers.TryAddWithoutValidation("x-amz-date", timestamp);
        var host = request.Headers.Host ?? (uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}");
        var signed = new[] { "host", "x-amz-content-sha256", "x-amz-date" };
        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .Select(p => KeyValuePair.Create(Uri.UnescapeDataString(p[0]), p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "")).ToList();
        string? Header(string name) => name switch
        {
            "host" => host,
            "x-amz-date" => timestamp,
            "x-amz-content-sha256" => payloadHash,
            _ => null,
        };
        var canonical = CanonicalRequest.Build(new SigV4Request(request.Method.Method, uri.AbsolutePath, query, Header), signed, payloadHash);
        var scope = $"{date}/{region}/{SigV4.Service}/{SigV4.Terminator}";
        var stringToSign = $"{SigV4.Algorithm}\n{timestamp}\n{scope}\n{SigV4.Sha256Hex(canonical)}";
        var signature = SigV4.Sign(SigV4.SigningKey(secretKey, date, region, SigV4.Service), stringToSign);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"{SigV4.Algorithm} Credential={accessKey}/{scope}, SignedHeaders={string.Join(';', signed)}, Signature={signature}");
    }
}
