using Microsoft.Net.Http.Headers;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Silo.Http;

/// <summary>The conditional request headers (both APIs, and S3's <c>x-amz-copy-source-if-*</c>) as an <see cref="ObjectCondition"/>.</summary>
public static class ConditionHeaders
{
    /// <summary>
    /// The request's conditions, or null when it has none. A write takes If-Match and If-None-Match only (as S3); a date
    /// that does not parse is ignored, as RFC 9110 asks. <paramref name="prefix"/> reads S3's copy-source variants.
    /// </summary>
    public static ObjectCondition? Read(IHeaderDictionary headers, bool forWrite, string prefix = "")
    {
        string? Value(string name) => headers.TryGetValue(prefix + name, out var values) && values.Count > 0 ? string.Join(",", values.ToArray()) : null;
        DateTimeOffset? Date(string name) =>
            !forWrite && Value(name) is { } text && HeaderUtilities.TryParseDate(text, out var date) ? date : null;
        var condition = new ObjectCondition
        {
            IfMatch = Value(OaisHeaders.IfMatch),
            IfNoneMatch = Value(OaisHeaders.IfNoneMatch),
            IfModifiedSince = Date(OaisHeaders.IfModifiedSince),
            IfUnmodifiedSince = Date(OaisHeaders.IfUnmodifiedSince),
        };
        return condition.IsEmpty ? null : condition;
    }

    /// <summary>
    /// Evaluates a read's conditions against the object: true when the answer is complete (304 with ETag and
    /// Last-Modified, as RFC 9110 asks); a failed precondition throws 412 <see cref="OaisErrorCode.PreconditionFailed"/>.
    /// </summary>
    public static bool AnsweredRead(HttpContext context, ObjectMeta meta)
    {
        var condition = Read(context.Request.Headers, forWrite: false);
        switch (condition?.Evaluate(meta, isRead: true))
        {
            case ConditionOutcome.NotModified:
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                context.Response.Headers.ETag = meta.ETag;
                context.Response.Headers.LastModified = meta.Modified.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                return true;
            case ConditionOutcome.PreconditionFailed:
                throw new OaisException(OaisErrorCode.PreconditionFailed,
                    $"object '{meta.Bucket}/{meta.Name}' (ETag {meta.ETag}, modified {meta.Modified:R}) does not meet the request's {condition!.Describe()}");
            default:
                return false;
        }
    }
}
