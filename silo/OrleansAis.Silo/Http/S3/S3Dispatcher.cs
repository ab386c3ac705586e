using OrleansAis.Silo.Http.S3.Auth;
using OrleansAis.Silo.Http.S3.Operations;
using OrleansAis.Silo.Http.S3.Xml;
using OrleansAis.Storage;

namespace OrleansAis.Silo.Http.S3;

/// <summary>
/// Entry point of every S3 request: authenticates it, picks the operation from method, path and query
/// (S3 names operations by subresource, e.g. <c>POST /b/k?uploads</c>), and turns failures into S3 error documents.
/// </summary>
public sealed class S3Dispatcher(
    S3Authenticator authenticator,
    S3Addressing addressing,
    BucketOperations buckets,
    ListObjectsOperation listObjects,
    DeleteObjectsOperation deleteObjects,
    ObjectOperations objects,
    MultipartOperations multipart,
    AclOperation acl,
    ILogger<S3Dispatcher> log)
{
    /// <summary>S3 features this endpoint does not have; refused instead of being mistaken for a plain bucket or object request.</summary>
    private static readonly string[] UnsupportedSubresources =
    [
        "acl", "policy", "policyStatus", "cors", "lifecycle", "versioning", "tagging", "website", "logging",
        "notification", "replication", "encryption", "object-lock", "ownershipControls", "publicAccessBlock", "accelerate",
        "requestPayment", "analytics", "inventory", "metrics", "intelligent-tiering", "legal-hold", "retention", "torrent",
        "restore", "select", "attributes",
    ];

    /// <summary>
    /// Server-side encryption is not implemented. A request that asks for it is refused (naming the header) rather than
    /// stored in plaintext while the client believes it is encrypted, and an SSE-C read is not answered with plaintext.
    /// </summary>
    private static readonly string[] EncryptionHeaders =
    [
        S3Headers.Sse, S3Headers.SseKmsKeyId, S3Headers.SseContext,
        S3Headers.SseBucketKeyEnabled, S3Headers.SseCustomerAlgorithm,
        S3Headers.SseCustomerKey, "x-amz-server-side-encryption-customer-key-MD5",
        S3Headers.CopySourceSseCustomerAlgorithm, S3Headers.CopySourceSseCustomerKey,
        "x-amz-copy-source-server-side-encryption-customer-key-MD5",
    ];

    public async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers[S3Headers.RequestId] = context.TraceIdentifier;
        try
        {
            var caller = authenticator.Authenticate(context);
            var (bucket, key) = addressing.Resolve(context);
            await DispatchAsync(new S3Request(context, bucket, key, caller));
        }
        catch (Exception e) when (ToS3Error(e, context) is { } error)
        {
            log.LogDebug("S3 {Method} {Path}: {Code} {Message}", context.Request.Method, context.Request.Path, error.Code, error.Message);
            if (context.Response.HasStarted)
            {
                context.Abort(); // mid-body: the client must see a broken response, not a short one
                return;
            }
            context.Response.Clear();
            context.Response.Headers[S3Headers.RequestId] = context.TraceIdentifier;
            await S3Xml.WriteErrorAsync(context, error);
        }
    }

    private Task DispatchAsync(S3Request request)
    {
        var method = request.Http.Method;
        if (EncryptionHeaders.FirstOrDefault(request.Http.Headers.ContainsKey) is { } encryption)
            throw S3Exception.NotImplemented($"server-side encryption (the {encryption} header)");
        if (request.Bucket.Length == 0)
            return method == "GET" ? buckets.ListBucketsAsync(request) : throw S3Exception.MethodNotAllowed(method);
        if (method == "GET" && request.Has("acl")) return acl.GetAsync(request);
        if (UnsupportedSubresources.FirstOrDefault(request.Has) is { } subresource) throw S3Exception.NotImplemented($"the '{subresource}' subresource");
        // The store is not versioned: every object has one version, "null" (as ListObjectVersions reports), which a
        // request may name; any other version id does not exist.
        if (request.Query("versionId") is { } version && version != "null") throw S3Exception.InvalidArgument("Invalid version id specified");
        if (request.Key.Length == 0)
        {
            return method switch
            {
                "GET" when request.Has("location") => buckets.GetLocationAsync(request),
                "GET" when request.Has("uploads") => multipart.ListUploadsAsync(request),
                "GET" when request.Has("versions") => listObjects.ListVersionsAsync(request),
                "GET" => listObjects.ListAsync(request),
                "HEAD" => buckets.HeadAsync(request),
                "PUT" => buckets.CreateAsync(request),
                "DELETE" => buckets.DeleteAsync(request),
                "POST" when request.Has("delete") => deleteObjects.DeleteAsync(request),
                _ => throw S3Exception.MethodNotAllowed(method),
            };
        }
        return method switch
        {
            "GET" when request.Has("uploadId") => multipart.ListPartsAsync(request),
            "GET" or "HEAD" => objects.GetAsync(request),
            "PUT" when request.Has("uploadId") => multipart.UploadPartAsync(request),
            "PUT" => objects.PutAsync(request),
            "DELETE" when request.Has("uploadId") => multipart.AbortAsync(request),
            "DELETE" => objects.DeleteAsync(request),
            "POST" when request.Has("uploads") => multipart.CreateAsync(request),
            "POST" when request.Has("uploadId") => multipart.CompleteAsync(request),
            _ => throw S3Exception.MethodNotAllowed(method),
        };
    }

    private S3Exception? ToS3Error(Exception e, HttpContext context)
    {
        switch (e)
        {
            case S3Exception s3:
                return s3;
            case OaisException oais:
                return S3Exception.From(oais);
            case MultipartUploadException upload:
                return S3Exception.From(upload);
            // Also when wrapped: a proxied request fails this way when the client cuts its body short.
            case var _ when BadRequestMiddleware.BadRequestOf(e) is { } bad:
                return new S3Exception(bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "EntityTooLarge" : "IncompleteBody",
                    BadRequestMiddleware.Describe(bad));
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return null; // the client went away
            case HttpRequestException:
                log.LogWarning(e, "S3 {Method} {Path}: the silo holding the data did not answer", context.Request.Method, context.Request.Path);
                return new S3Exception(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", "the silo holding the data did not answer; retry");
            default:
                log.LogError(e, "S3 {Method} {Path} failed", context.Request.Method, context.Request.Path);
                return new S3Exception(StatusCodes.Status500InternalServerError, "InternalError", "We encountered an internal error. Please try again.");
        }
    }
}
