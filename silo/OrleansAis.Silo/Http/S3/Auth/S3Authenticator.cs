using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace OrleansAis.Silo.Http.S3.Auth;

/// <summary>Who sent a request: anonymous, or the verified signature (which a streamed body's chunk signatures chain to).</summary>
public sealed record S3Caller(SigV4Context? Signature)
{
    public static S3Caller Anonymous { get; } = new((SigV4Context?)null);
}

/// <summary>
/// Decides who a request comes from: a SigV4 Authorization header or presigned query is verified against the configured
/// keys (whatever <see cref="S3Options.AllowAnonymous"/> says); a request with neither is anonymous, if allowed.
/// </summary>
public sealed class S3Authenticator
{
    private readonly S3Options _options;
    private readonly TimeProvider _time;
    private readonly SigV4Verifier _verifier;

    public S3Authenticator(IOptions<S3Options> options, S3KeyRing keys, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _verifier = new SigV4Verifier(keys.SecretOf, _options.Region);
    }

    public S3Caller Authenticate(HttpContext context)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            if (authorization.StartsWith(SigV4.Algorithm + " ", StringComparison.Ordinal))
                return new S3Caller(_verifier.VerifyHeader(ToSigV4Request(context), authorization, _time.GetUtcNow()));
            throw authorization.StartsWith("AWS ", StringComparison.Ordinal)
                ? SigV2Refused()
                : S3Exception.InvalidArgument("Unsupported Authorization Type");
        }
        if (request.Query.ContainsKey("X-Amz-Algorithm")) return new S3Caller(_verifier.VerifyPresigned(ToSigV4Request(context), _time.GetUtcNow()));
        if (request.Query.ContainsKey("AWSAccessKeyId") || request.Query.ContainsKey("Signature")) throw SigV2Refused();
        if (!_options.AllowAnonymous)
            throw S3Exception.AccessDenied("Access Denied: anonymous access is off (S3:AllowAnonymous); sign requests with AWS Signature Version 4");
        return S3Caller.Anonymous;
    }

    /// <summary>What S3 answers, in regions that take Signature Version 4 only, to a Signature Version 2 header or presigned URL.</summary>
    private static S3Exception SigV2Refused() =>
        S3Exception.InvalidRequest("The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");

    /// <summary>The request as SigV4 sees it: the path exactly as sent (Kestrel's Path is decoded and normalised).</summary>
    public static SigV4Request ToSigV4Request(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var question = target.IndexOf('?');
        var query = request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))).ToList();
        return new SigV4Request(request.Method, question < 0 ? target : target[..question], query,
            name => request.Headers.TryGetValue(name, out var values) ? string.Join(',', values.ToArray()) : null);
    }
}
