using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansAis.Etl.Sdk;

/// <summary>Bucket and object name in URL paths (<c>/{bucket}/{object...}</c>, each segment escaped on its own).</summary>
internal static class ObjectPath
{
    /// <summary>
    /// Reads the raw request target, not <c>Request.Path</c>: the latter has already turned an escaped '/' (%2F) inside
    /// a segment into a separator.
    /// </summary>
    public static (string Bucket, string ObjectName) Parse(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = target.IndexOf('?');
        if (query >= 0) target = target[..query];
        var segments = target.TrimStart('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        return (segments[0], string.Join('/', segments.Skip(1)));
    }

    /// <summary>"bucket/object" as sent in a ws control message: the bucket is everything up to the first '/'.</summary>
    public static (string Bucket, string ObjectName) Split(string path)
    {
        var slash = path.IndexOf('/');
        return slash > 0 ? (path[..slash], path[(slash + 1)..]) : (path, "");
    }

    public static string Escape(string bucket, string objectName) => OrleansAis.Http.Contracts.OaisRoutes.ObjectTarget(bucket, objectName);
}
