using Microsoft.AspNetCore.Http.Features;

namespace OrleansAis.Silo.Http;

/// <summary>
/// Object names taken from the raw request target, segment by segment, so '%2F', spaces and unicode round-trip and
/// a '..' segment arrives as written (and is then refused by name validation) instead of being normalised away.
/// </summary>
public static class RawPath
{
    /// <summary>The unescaped path segments after the first <paramref name="skip"/> ones.</summary>
    public static string[] Segments(HttpContext context, int skip)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = target.IndexOf('?');
        if (query >= 0) target = target[..query];
        var segments = target.TrimStart('/').Split('/');
        return segments.Skip(skip).Select(Uri.UnescapeDataString).ToArray();
    }

    /// <summary>Bucket and object name after <paramref name="skip"/> leading segments: <c>.../{bucket}/{object...}</c>.</summary>
    public static (string Bucket, string Name) BucketAndObject(HttpContext context, int skip)
    {
        var segments = Segments(context, skip);
        return segments.Length == 0 ? ("", "") : (segments[0], string.Join('/', segments.Skip(1)));
    }
}
