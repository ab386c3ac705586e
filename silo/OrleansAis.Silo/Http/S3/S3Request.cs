using System.Text;
using Microsoft.AspNetCore.Http.Features;
using OrleansAis.Naming;
using OrleansAis.Silo.Http.S3.Auth;

namespace OrleansAis.Silo.Http.S3;

/// <summary>An authenticated S3 request: path-style bucket and key (both empty for the service, key empty for a bucket).</summary>
public sealed record S3Request(HttpContext Context, string Bucket, string Key, S3Caller Caller)
{
    public HttpRequest Http => Context.Request;
    public HttpResponse Response => Context.Response;
    public CancellationToken Aborted => Context.RequestAborted;

    /// <summary>Whether another silo forwarded this request here to be served (never forward it again).</summary>
    public bool Forwarded => Http.Headers.ContainsKey(OrleansAis.Http.Contracts.OaisHeaders.Forwarded);

    public bool Has(string parameter) => Http.Query.ContainsKey(parameter);

    public string? Query(string parameter) => Http.Query.TryGetValue(parameter, out var value) ? value.ToString() : null;

    public void EnsureValidBucket()
    {
        if (Names.BucketNameProblem(Bucket) is { } problem) throw S3Exception.BadName(problem, isBucket: true, tooLong: false);
    }

    public void EnsureValidObject()
    {
        EnsureValidBucket();
        if (KeyError(Key) is { } error) throw error;
    }

    /// <summary>Object bodies stream to disk and may be far larger than Kestrel's default request size limit.</summary>
    public void AllowLargeBody()
    {
        var limit = Context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (limit is { IsReadOnly: false }) limit.MaxRequestBodySize = null;
    }

    /// <summary>Null for a valid object key, else the S3 error for it.</summary>
    public static S3Exception? KeyError(string key) =>
        Names.ObjectNameProblem(key) is { } problem
            ? S3Exception.BadName(problem, isBucket: false, tooLong: Encoding.UTF8.GetByteCount(key) > Names.MaxObjectNameBytes)
            : null;
}
