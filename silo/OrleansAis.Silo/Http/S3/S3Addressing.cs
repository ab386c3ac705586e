using Microsoft.Extensions.Options;
using OrleansAis.Silo.Configuration;

namespace OrleansAis.Silo.Http.S3;

/// <summary>
/// Where an S3 request names its bucket. Path-style (<c>/bucket/key</c>) always works. Virtual-hosted style
/// (<c>Host: bucket.DOMAIN</c>, <c>/key</c>) is served when <see cref="S3Options.Domain"/> is set. Without it, a Host
/// that is a subdomain of <c>localhost</c> or of this silo's advertised host name can only be a client addressing a
/// bucket virtually, and is refused with a 400 that says so: read path-style, it would be answered for the wrong
/// bucket (its first path segment is the key). Any other Host is path-style, as a client naming a silo by its DNS name
/// sends it.
/// </summary>
public sealed class S3Addressing(IOptions<S3Options> s3, IOptions<SiloHostOptions> host)
{
    private readonly string? _domain = s3.Value.Domain?.Trim('.').ToLowerInvariant() is { Length: > 0 } d ? d : null;
    private readonly string[] _unservedDomains = UnservedDomains(host.Value.AdvertisedHost);

    public (string Bucket, string Key) Resolve(HttpContext context)
    {
        var hostName = context.Request.Host.Host.TrimEnd('.').ToLowerInvariant();
        if (_domain is not null && hostName.EndsWith("." + _domain, StringComparison.Ordinal))
        {
            var bucket = hostName[..^(_domain.Length + 1)];
            return (bucket, string.Join('/', RawPath.Segments(context, skip: 0)));
        }
        if (_domain is null && _unservedDomains.FirstOrDefault(d => hostName.EndsWith("." + d, StringComparison.Ordinal)) is { } domain)
            throw S3Exception.InvalidRequest(
                $"virtual-hosted-style requests (Host: {context.Request.Host.Host}) are not enabled on this endpoint: address the bucket " +
                $"path-style (http://{domain}/BUCKET/KEY, e.g. addressing_style=path or ForcePathStyle), or set S3:Domain={domain}");
        return RawPath.BucketAndObject(context, skip: 0);
    }

    private static string[] UnservedDomains(string advertised)
    {
        var name = advertised.Trim('.').ToLowerInvariant();
        return Uri.CheckHostName(name) == UriHostNameType.Dns && name != "localhost" ? ["localhost", name] : ["localhost"];
    }
}
